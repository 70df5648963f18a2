package dev.microbatch.translation.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import dev.microbatch.runner.MicroBatchRunner;
import dev.microbatch.runner.TestMicroBatchRunner;
import dev.microbatch.runner.scheduler.BatchDetails;
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * KafkaIO.read() runs as the direct input: exact offset ranges, batch by batch, on a real broker.
 */
public class DirectKafkaInputTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);

  /** Options for {@code runner}, with a log line per batch left out. */
  private static MicroBatchPipelineOptions options(Class<? extends PipelineRunner<?>> runner) {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(runner);
    options.setLogEveryBatch(false);
    return options;
  }

  /** The batches {@code result}'s run completes from now on. */
  private static Queue<BatchInfo> completedBatches(MicroBatchPipelineResult result) {
    Queue<BatchInfo> batches = new ConcurrentLinkedQueue<>();
    result.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(BatchInfo batch) {
            batches.add(batch);
          }
        });
    return batches;
  }

  /** Reads {@code maxRecords} (String, Long) records of {@code topic} from the start. */
  private static PTransform<PBegin, PCollection<KV<String, Long>>> read(
      String topic, String group, long maxRecords) {
    return TOPICS.read(topic, group).withMaxNumRecords(maxRecords).withoutMetadata();
  }

  @Test(timeout = 120_000)
  public void everyRecordOfAMultiPartitionTopicIsReadOnceAndItsOffsetsCommittedToTheGroup()
      throws Exception {
    String topic = "numbers";
    TOPICS.create(topic, 4);
    TOPICS.produce(topic, 4, 1000);

    MicroBatchPipelineOptions options = options(TestMicroBatchRunner.class);
    options.setParallelism(2);
    options.setBatchIntervalMillis(50L);
    // At most 40 records per partition and batch: the 1000 records take at least 7 batches.
    options.setMaxRecordsPerBatch(40L);
    Pipeline p = Pipeline.create(options);
    PCollection<Long> values =
        p.apply(read(topic, "numbers-reader", 1000))
            .apply(MapElements.into(TypeDescriptors.longs()).via(KV<String, Long>::getValue))
            .apply(Window.into(FixedWindows.of(Duration.standardDays(365_000))));
    PAssert.thatSingleton(
            values.apply("Count", Combine.globally(Count.<Long>combineFn()).withoutDefaults()))
        .isEqualTo(1000L);
    PAssert.thatSingleton(values.apply("Sum", Sum.longsGlobally().withoutDefaults()))
        .isEqualTo(999L * 1000 / 2);

    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    result.waitUntilFinish();

    // The consumer group saw every batch's offsets: 250 per partition.
    try (Admin admin = BROKER.admin()) {
      ListConsumerGroupOffsetsResult offsets = admin.listConsumerGroupOffsets("numbers-reader");
      Map<TopicPartition, OffsetAndMetadata> committed =
          offsets.partitionsToOffsetAndMetadata().get();
      for (int partition = 0; partition < 4; partition++) {
        assertEquals(250L, committed.get(new TopicPartition(topic, partition)).offset());
      }
    }
  }

  @Test(timeout = 120_000)
  public void aRecordThatCannotBeDecodedFailsTheBatchNamingItAndCommitsNothing() throws Exception {
    String topic = "poisoned";
    TOPICS.create(topic, 1);
    TOPICS.produce(topic, 1, 5);
    try (KafkaProducer<String, String> producer =
        BROKER.producer(StringSerializer.class, StringSerializer.class)) {
      // Three bytes are no long: offset 5 cannot be decoded.
      producer.send(new ProducerRecord<>(topic, 0, "bad", "abc")).get();
    }

    MicroBatchPipelineOptions options = options(TestMicroBatchRunner.class);
    Pipeline p = Pipeline.create(options);
    p.apply(read(topic, "poisoned-reader", 6));

    Pipeline.PipelineExecutionException failure =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertThat(
        failure.getCause().getMessage(),
        allOf(
            containsString("topic " + topic),
            containsString("partition 0"),
            containsString("offset 5")));
    try (Admin admin = BROKER.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("poisoned-reader").partitionsToOffsetAndMetadata().get();
      assertThat(
          "the failed batch's offsets were not committed",
          committed.get(new TopicPartition(topic, 0)),
          nullValue());
    }
  }

  /** What one bundle (a task's records in one batch) read: the partitions its records came from. */
  private static final class PartitionsPerBundle extends DoFn<KafkaRecord<String, Long>, Void> {
    static final Queue<Set<Integer>> BUNDLES = new ConcurrentLinkedQueue<>();
    private transient Set<Integer> partitions;

    @StartBundle
    public void startBundle() {
      partitions = new TreeSet<>();
    }

    @ProcessElement
    public void processElement(@Element KafkaRecord<String, Long> record) {
      partitions.add(record.getPartition());
    }

    @FinishBundle
    public void finishBundle() {
      if (!partitions.isEmpty()) {
        BUNDLES.add(Set.copyOf(partitions));
      }
    }
  }

  @Test(timeout = 120_000)
  public void thePartitionsAreDealtToAsManyTasksAsRunAtOnceEachReadingItsPartitionsTogether()
      throws Exception {
    String topic = "dealt";
    TOPICS.create(topic, 4);
    TOPICS.produce(topic, 4, 400);

    MicroBatchPipelineOptions options = options(MicroBatchRunner.class);
    options.setParallelism(2);
    options.setBatchIntervalMillis(50L);
    // 20 records per partition and batch: every batch reads all four partitions.
    options.setMaxRecordsPerBatch(20L);
    Pipeline p = Pipeline.create(options);
    p.apply(TOPICS.read(topic, "dealt-reader").withMaxNumRecords(400))
        .apply(ParDo.of(new PartitionsPerBundle()));
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    Queue<BatchInfo> batches = completedBatches(result);
    result.waitUntilFinish();

    // Two tasks at once, so two tasks per batch: partitions 0 and 2 with the first, 1 and 3 with
    // the second, in every batch; each task's records come from both its partitions.
    assertEquals(Set.of(Set.of(0, 2), Set.of(1, 3)), Set.copyOf(PartitionsPerBundle.BUNDLES));
    assertThat(batches.size(), greaterThan(0));
    for (BatchInfo batch : batches) {
      if (batch.totalRecordsIn() > 0) {
        assertEquals(4, batch.details().slices().size());
        for (BatchDetails.StageInfo stage : batch.details().stages()) {
          assertEquals(stage.toString(), 2, stage.tasks());
        }
      }
    }
  }

  @Test(timeout = 120_000)
  public void aMaximumRatePerPartitionBoundsEveryBatch() throws Exception {
    String topic = "rated";
    TOPICS.create(topic, 2);
    TOPICS.produce(topic, 2, 200);

    MicroBatchPipelineOptions options = options(MicroBatchRunner.class);
    options.setBatchIntervalMillis(100L);
    // 50 records/s per partition at 100 ms batches: at most 5 per partition, 10 per batch.
    options.setMaxRatePerPartition(50);
    Pipeline p = Pipeline.create(options);
    p.apply(read(topic, "rated-reader", 200));
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    Queue<BatchInfo> batches = completedBatches(result);
    result.waitUntilFinish();

    // 200 records at 10 per batch take 20 batches; the listener joined after the first ones.
    assertThat(batches.size(), greaterThanOrEqualTo(10));
    Map<String, Long> readUpTo = new HashMap<>();
    for (BatchInfo batch : batches) {
      assertThat(batch.totalRecordsIn(), lessThanOrEqualTo(10L));
      // The batch's slices are the offset ranges it read: one per partition, at most 5 records
      // each, adding up to its records, each starting where the partition's last one ended.
      long sliced = 0;
      for (BatchDetails.SliceInfo slice : batch.details().slices()) {
        assertThat(slice.size(), lessThanOrEqualTo(5L));
        assertEquals(slice.toString(), 5, slice.bound());
        Long previousEnd = readUpTo.put(slice.partition(), slice.until());
        if (previousEnd != null) {
          assertEquals(slice.toString(), (long) previousEnd, slice.from());
        }
        sliced += slice.size();
      }
      assertEquals(2, batch.details().slices().size());
      assertEquals(batch.totalRecordsIn(), sliced);
    }
    // Each slice knows its partition's end: the backlog shrinks to nothing by the last batch.
    List<BatchDetails.SliceInfo> first = batches.peek().details().slices();
    assertThat(first.stream().mapToLong(BatchDetails.SliceInfo::lag).sum(), greaterThan(0L));
    BatchInfo last = List.copyOf(batches).get(batches.size() - 1);
    for (BatchDetails.SliceInfo slice : last.details().slices()) {
      assertEquals(slice.toString(), 0, slice.lag());
    }
  }

  @Test(timeout = 120_000)
  public void withAStopReadTimeEachPartitionStopsAtItsFirstRecordAtOrAfterItAndThePipelineEnds()
      throws Exception {
    String topic = "until";
    TOPICS.create(topic, 3);
    long stop = System.currentTimeMillis() - 60_000;
    long expectedCount = 0;
    long expectedSum = 0;
    try (KafkaProducer<String, Long> producer = TOPICS.producer()) {
      // Partitions 0 and 1: a record a second, stamped from 20 s before the stop time on; the
      // stop offsets are those of the records stamped at the stop time, 20 and 21.
      for (long i = 0; i < 30; i++) {
        int partition = (int) (i % 2);
        producer.send(new ProducerRecord<>(topic, partition, stop - 20_000 + i * 1000, "k", i));
        if (i < 20) {
          expectedCount++;
          expectedSum += i;
        }
      }
      // Stamped before the stop time, but after partition 0's stop offset: not read.
      producer.send(new ProducerRecord<>(topic, 0, stop - 1, "k", 1_000L));
      // Partition 2 has no record at or after the stop time, which has passed: read to its end.
      for (long i = 100; i < 103; i++) {
        producer.send(new ProducerRecord<>(topic, 2, stop - 10_000, "k", i));
        expectedCount++;
        expectedSum += i;
      }
      producer.flush();
    }

    MicroBatchPipelineOptions options = options(TestMicroBatchRunner.class);
    // Several batches: the input is exhausted only once every partition reached its stop offset.
    options.setMaxRecordsPerBatch(4L);
    Pipeline p = Pipeline.create(options);
    PCollection<Long> values =
        p.apply(
                TOPICS
                    .read(topic, "until-reader")
                    .withStopReadTime(new org.joda.time.Instant(stop))
                    .withoutMetadata())
            .apply(MapElements.into(TypeDescriptors.longs()).via(KV<String, Long>::getValue));
    PAssert.thatSingleton(values.apply("Count", Count.globally())).isEqualTo(expectedCount);
    PAssert.thatSingleton(values.apply("Sum", Sum.longsGlobally())).isEqualTo(expectedSum);

    // The test runner returns once the pipeline has ended: the input was exhausted.
    assertEquals(PipelineResult.State.DONE, p.run().getState());
  }

  @Test(timeout = 120_000)
  public void aKafkaToKafkaJobWithThePlainWriterDeliversEveryRecord() throws Exception {
    String in = "copy-in";
    String out = "copy-out";
    TOPICS.create(in, 2);
    TOPICS.create(out, 2);
    TOPICS.produce(in, 2, 300);

    MicroBatchPipelineOptions options = options(TestMicroBatchRunner.class);
    options.setMaxRecordsPerBatch(50L);
    Pipeline p = Pipeline.create(options);
    p.apply(read(in, "copier", 300))
        .apply(
            KafkaIO.<String, Long>write()
                .withBootstrapServers(BROKER.bootstrapServers())
                .withTopic(out)
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(LongSerializer.class));
    p.run().waitUntilFinish();

    // At-least-once: every input value arrives; this run has no failure, so exactly once.
    Pipeline check = Pipeline.create(options);
    PCollection<Long> copied =
        check
            .apply(read(out, "checker", 300))
            .apply(MapElements.into(TypeDescriptors.longs()).via(KV<String, Long>::getValue));
    PAssert.thatSingleton(copied.apply(Sum.longsGlobally())).isEqualTo(299L * 300 / 2);
    PAssert.thatSingleton(copied.apply(Count.globally())).isEqualTo(300L);
    check.run().waitUntilFinish();
  }
}
