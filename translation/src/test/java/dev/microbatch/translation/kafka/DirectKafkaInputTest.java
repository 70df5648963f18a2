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
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
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

    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setParallelism(2);
    options.setBatchIntervalMillis(50L);
    // At most 40 records per partition and batch: the 1000 records take at least 7 batches.
    options.setMaxRecordsPerBatch(40L);
    options.setLogEveryBatch(false);
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

    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setLogEveryBatch(false);
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

  @Test(timeout = 120_000)
  public void aMaximumRatePerPartitionBoundsEveryBatch() throws Exception {
    String topic = "rated";
    TOPICS.create(topic, 2);
    TOPICS.produce(topic, 2, 200);

    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setLogEveryBatch(false);
    options.setBatchIntervalMillis(100L);
    // 50 records/s per partition at 100 ms batches: at most 5 per partition, 10 per batch.
    options.setMaxRatePerPartition(50);
    Pipeline p = Pipeline.create(options);
    p.apply(read(topic, "rated-reader", 200));
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    Queue<BatchInfo> batches = new ConcurrentLinkedQueue<>();
    result.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(BatchInfo batch) {
            batches.add(batch);
          }
        });
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

    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setLogEveryBatch(false);
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

    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setLogEveryBatch(false);
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
