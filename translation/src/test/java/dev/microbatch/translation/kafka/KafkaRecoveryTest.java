package dev.microbatch.translation.kafka;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import dev.microbatch.runner.MicroBatchRunner;
import dev.microbatch.runner.checkpoint.CheckpointMismatchException;
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Batch retry and resume through --checkpointLocation, against a real broker. */
public class KafkaRecoveryTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();
  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  /** Failures left to inject; tasks deserialize their own DoFn, so the count lives here. */
  private static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);

  private static void produce(String topic, int partitions, int records) throws Exception {
    TOPICS.produce(topic, partitions, records);
  }

  private MicroBatchPipelineOptions options(String checkpointDir) {
    return JobOptions.checkpointed(checkpointDir);
  }

  private static PCollection<Long> values(Pipeline p, String topic, long records) {
    return p.apply(
            TOPICS.read(topic, topic + "-reader").withMaxNumRecords(records).withoutMetadata())
        .apply(MapElements.into(TypeDescriptors.longs()).via(KV<String, Long>::getValue));
  }

  /** Throws once for value 123 while failures are left. */
  private static final class FailOnce extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long value, OutputReceiver<Long> out) {
      if (value == 123 && FAILURES_LEFT.getAndDecrement() > 0) {
        throw new IllegalStateException("injected failure at value 123");
      }
      out.output(value);
    }
  }

  @Test(timeout = 120_000)
  public void aBatchThatFailsIsRetriedOverTheSameSliceAndEveryRecordCountsOnce() throws Exception {
    String topic = "retried";
    BROKER.createTopic(topic, 4);
    produce(topic, 4, 400);
    FAILURES_LEFT.set(2);

    Pipeline p = Pipeline.create(options(temp.newFolder().getPath()));
    PCollection<Long> values = values(p, topic, 400).apply(ParDo.of(new FailOnce()));
    PAssert.thatSingleton(
            values.apply("Count", Combine.globally(Count.<Long>combineFn()).withoutDefaults()))
        .isEqualTo(400L);
    PAssert.thatSingleton(values.apply("Sum", Sum.longsGlobally().withoutDefaults()))
        .isEqualTo(399L * 400 / 2);
    p.run().waitUntilFinish();

    assertEquals("both injected failures were hit (and retried)", -1, FAILURES_LEFT.get());
  }

  /** Encodes longs, but throws once when armed: a checkpoint that fails after the sink commit. */
  private static final class FailsOnceWhenArmed extends AtomicCoder<Long> {
    static final AtomicInteger ARMED = new AtomicInteger();
    static final AtomicInteger THROWN = new AtomicInteger();

    @Override
    public void encode(Long value, OutputStream out) throws IOException {
      if (ARMED.get() > 0 && ARMED.decrementAndGet() == 0) {
        THROWN.incrementAndGet();
        throw new IOException("injected: the checkpoint cannot be written");
      }
      VarLongCoder.of().encode(value, out);
    }

    @Override
    public Long decode(InputStream in) throws IOException {
      return VarLongCoder.of().decode(in);
    }
  }

  /** Passes records on and counts them per key in state whose coder can fail a checkpoint. */
  private static final class CountPerKey extends DoFn<KV<String, Long>, KV<String, String>> {
    @StateId("seen")
    private final StateSpec<ValueState<Long>> seen = StateSpecs.value(new FailsOnceWhenArmed());

    @ProcessElement
    public void process(
        @Element KV<String, Long> record,
        @StateId("seen") ValueState<Long> seen,
        OutputReceiver<KV<String, String>> out) {
      Long before = seen.read();
      seen.write(before == null ? 1 : before + 1);
      out.output(KV.of(record.getKey(), String.valueOf(record.getValue())));
    }
  }

  @Test(timeout = 120_000)
  public void aBatchReRunAfterItsTransactionCommittedDoesNotPublishAgain() throws Exception {
    String in = "dedupe-in";
    String out = "dedupe-out";
    BROKER.createTopic(in, 2);
    BROKER.createTopic(out, 2);
    produce(in, 2, 200);
    // The state of 2 keys per partition is encoded once per checkpoint: the 7th encode is in the
    // 2nd or a later checkpoint, after that batch's transaction committed.
    FailsOnceWhenArmed.THROWN.set(0);
    FailsOnceWhenArmed.ARMED.set(7);

    MicroBatchPipelineOptions options = options(temp.newFolder().getPath());
    options.setMaxRecordsPerBatch(20L);
    Pipeline p = Pipeline.create(options);
    p.apply(TOPICS.read(in, "dedupe-group").withMaxNumRecords(200).withoutMetadata())
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(kv -> KV.of("key-" + (kv.getValue() % 4), kv.getValue())))
        .apply(ParDo.of(new CountPerKey()))
        .apply(
            TransactionalKafkaWrite.<String, String>to(out)
                .withBootstrapServers(BROKER.bootstrapServers())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withTransactionalId("dedupe-sink"));
    p.run().waitUntilFinish();

    assertEquals("one checkpoint failed after its transaction", 1, FailsOnceWhenArmed.THROWN.get());
    List<String> published = readCommitted(out);
    assertEquals("every record published once", 200, published.size());
    assertEquals("no record published twice", 200, new java.util.HashSet<>(published).size());
  }

  /** How often each value was processed, over every attempt and re-run. */
  private static final java.util.concurrent.ConcurrentHashMap<Long, AtomicInteger> PROCESSED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Counts per key in state and passes "value count" on; throws at value 250 while armed. */
  private static final class CountAndFailOnce extends DoFn<KV<String, Long>, KV<String, String>> {
    @StateId("seen")
    private final StateSpec<ValueState<Long>> seen = StateSpecs.value(VarLongCoder.of());

    @ProcessElement
    public void process(
        @Element KV<String, Long> record,
        @StateId("seen") ValueState<Long> seen,
        OutputReceiver<KV<String, String>> out) {
      PROCESSED.computeIfAbsent(record.getValue(), v -> new AtomicInteger()).incrementAndGet();
      if (record.getValue() == 250 && FAILURES_LEFT.getAndDecrement() > 0) {
        throw new IllegalStateException("injected failure at value 250");
      }
      Long before = seen.read();
      long count = before == null ? 1 : before + 1;
      seen.write(count);
      out.output(KV.of(record.getKey(), record.getValue() + " " + count));
    }
  }

  @Test(timeout = 120_000)
  public void checkpointedEveryFewBatchesARetryReplaysTheBatchesSinceAndPublishesEachRecordOnce()
      throws Exception {
    String in = "interval-in";
    String out = "interval-out";
    BROKER.createTopic(in, 2);
    BROKER.createTopic(out, 2);
    produce(in, 2, 300);
    FAILURES_LEFT.set(1);
    PROCESSED.clear();

    MicroBatchPipelineOptions options = options(temp.newFolder().getPath());
    options.setMaxRecordsPerBatch(20L);
    // Only the first batch and the last are checkpointed.
    options.setCheckpointIntervalBatches(1_000);
    Pipeline p = Pipeline.create(options);
    p.apply(TOPICS.read(in, "interval-group").withMaxNumRecords(300).withoutMetadata())
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(kv -> KV.of("key-" + (kv.getValue() % 3), kv.getValue())))
        .apply(ParDo.of(new CountAndFailOnce()))
        .apply(
            TransactionalKafkaWrite.<String, String>to(out)
                .withBootstrapServers(BROKER.bootstrapServers())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withTransactionalId("interval-sink"));
    p.run().waitUntilFinish();

    assertEquals("the injected failure was hit (and retried)", -1, FAILURES_LEFT.get());
    long processedAgain = PROCESSED.values().stream().filter(n -> n.get() > 1).count();
    assertTrue(
        "the batches committed since the first checkpoint ran again: " + processedAgain,
        processedAgain > 40);
    List<String> published = readCommitted(out);
    assertEquals("every record published once", 300, published.size());
    java.util.Map<Long, java.util.List<Long>> countsByKey = new java.util.TreeMap<>();
    for (String line : published) {
      long value = Long.parseLong(line.split(" ")[0]);
      countsByKey
          .computeIfAbsent(value % 3, k -> new java.util.ArrayList<>())
          .add(Long.parseLong(line.split(" ")[1]));
    }
    // Each key counted 1, 2, ... with no count twice: the re-run went back to the checkpointed
    // state and rebuilt it batch by batch.
    countsByKey.forEach(
        (key, counts) -> {
          java.util.Collections.sort(counts);
          for (int i = 0; i < counts.size(); i++) {
            assertEquals("key " + key + ": " + counts, Long.valueOf(i + 1), counts.get(i));
          }
        });
  }

  /** "window-start key=count". */
  private static final class FormatWindowCount extends DoFn<KV<String, Long>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, Long> count,
        BoundedWindow window,
        OutputReceiver<KV<String, String>> output) {
      output.output(
          KV.of(
              count.getKey(),
              ((IntervalWindow) window).start().getMillis()
                  + " "
                  + count.getKey()
                  + "="
                  + count.getValue()));
    }
  }

  /** Counts per key and 10 s window of records stamped 100 ms apart, written exactly once. */
  private Pipeline windowedCounts(String dir, String in, String out) {
    MicroBatchPipelineOptions options = options(dir);
    options.setRunner(MicroBatchRunner.class); // run() returns while the stream runs
    options.setMaxRecordsPerBatch(10L);
    options.setBatchIntervalMillis(100L);
    Pipeline p = Pipeline.create(options);
    p.apply(
            "Read",
            KafkaIO.<String, Long>read()
                .withBootstrapServers(BROKER.bootstrapServers())
                .withTopic(in)
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(LongDeserializer.class)
                .withCreateTime(org.joda.time.Duration.ZERO)
                .withConsumerConfigUpdates(
                    Map.of(
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "windowed-group"))
                .withoutMetadata())
        .apply("Window", Window.into(FixedWindows.of(org.joda.time.Duration.standardSeconds(10))))
        .apply("Count", Count.perKey())
        .apply("Format", ParDo.of(new FormatWindowCount()))
        .apply(
            "Write",
            TransactionalKafkaWrite.<String, String>to(out)
                .withBootstrapServers(BROKER.bootstrapServers())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withTransactionalId("windowed-sink"));
    return p;
  }

  @Test(timeout = 180_000)
  public void windowsOpenWhenARunStopsAreCompletedByTheRunThatResumesIt() throws Exception {
    String in = "windowed-in";
    String out = "windowed-out";
    BROKER.createTopic(in, 2);
    BROKER.createTopic(out, 1);
    long base = 1_700_000_000_000L; // a multiple of 10 s
    try (KafkaProducer<String, Long> producer =
        BROKER.producer(StringSerializer.class, LongSerializer.class)) {
      for (long i = 0; i < 400; i++) {
        producer.send(new ProducerRecord<>(in, (int) (i % 2), base + i * 100, "k" + (i % 3), i));
      }
      // Far ahead on both partitions: the watermark passes every window of the 400.
      for (int partition = 0; partition < 2; partition++) {
        producer.send(new ProducerRecord<>(in, partition, base + 3_600_000, "closer", -1L));
      }
      producer.flush();
    }
    String dir = temp.newFolder().getPath();

    // The first run stops after 8 batches (80 of 402 records per partition at most): windows are
    // open, their elements in keyed state and their end-of-window timers pending.
    MicroBatchPipelineResult first = (MicroBatchPipelineResult) windowedCounts(dir, in, out).run();
    java.util.concurrent.CountDownLatch eight = new java.util.concurrent.CountDownLatch(8);
    first.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(BatchInfo batch) {
            eight.countDown();
          }
        });
    assertTrue(eight.await(60, java.util.concurrent.TimeUnit.SECONDS));
    first.cancel();
    first.waitUntilFinish();
    int afterFirst = readCommitted(out).size();

    MicroBatchPipelineResult second = (MicroBatchPipelineResult) windowedCounts(dir, in, out).run();
    // The closers' own window, an hour after the rest, fires last: once idle partitions move the
    // watermark to the clock, past every window of the 400. A window fired twice (from state
    // restored and fired again) would be published by then, in the same or an earlier batch.
    List<String> published = readCommitted(out);
    long deadline = System.currentTimeMillis() + 60_000;
    while (published.stream().noneMatch(line -> line.contains("closer"))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the closers' window did not fire: " + published);
      }
      Thread.sleep(200);
      published = readCommitted(out);
    }
    published = published.stream().filter(line -> !line.contains("closer")).toList();
    second.cancel();
    second.waitUntilFinish();

    java.util.Set<String> expected = new java.util.TreeSet<>();
    for (int window = 0; window < 4; window++) {
      for (int key = 0; key < 3; key++) {
        long count = 0;
        for (long i = window * 100L; i < window * 100L + 100; i++) {
          count += i % 3 == key ? 1 : 0;
        }
        expected.add((base + window * 10_000L) + " k" + key + "=" + count);
      }
    }
    assertTrue("the first run stopped before every window fired", afterFirst < 12);
    assertEquals(expected, new java.util.TreeSet<>(published));
    assertEquals("each window's count once", 12, published.size());
  }

  private static List<String> readCommitted(String topic) {
    Map<String, Object> config = new java.util.HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new java.util.ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new java.util.ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }

  @Test(timeout = 120_000)
  public void withoutACheckpointARunStartsWhereItsGroupCommittedAndReadsOn() throws Exception {
    String topic = "group-resume";
    BROKER.createTopic(topic, 2);
    produce(topic, 2, 100);
    org.joda.time.Instant stop = org.joda.time.Instant.now().plus(1);
    Thread.sleep(5);

    // The first run reads 60 records (30 a partition) and commits them to the group.
    Pipeline first = Pipeline.create(JobOptions.test());
    first.apply(TOPICS.read(topic, "resuming-group").withMaxNumRecords(60));
    first.run().waitUntilFinish();

    // Record i went to partition i % 2 at offset i / 2: what is left starts at each partition's
    // committed offset.
    long restSum = 0;
    try (org.apache.kafka.clients.admin.Admin admin = BROKER.admin()) {
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("resuming-group").partitionsToOffsetAndMetadata().get();
      long total = 0;
      for (int partition = 0; partition < 2; partition++) {
        long offset = committed.get(new TopicPartition(topic, partition)).offset();
        total += offset;
        for (long k = offset; k < 50; k++) {
          restSum += 2 * k + partition;
        }
      }
      assertEquals("the first run committed what it read", 60, total);
    }

    // The second reads on from the group's offsets, without a record limit, up to the stop time.
    Pipeline second = Pipeline.create(JobOptions.test());
    PCollection<Long> rest =
        second
            .apply(TOPICS.read(topic, "resuming-group").withStopReadTime(stop).withoutMetadata())
            .apply(MapElements.into(TypeDescriptors.longs()).via(KV<String, Long>::getValue))
            .apply(Window.into(FixedWindows.of(org.joda.time.Duration.standardDays(365_000))));
    PAssert.thatSingleton(
            rest.apply("Count", Combine.globally(Count.<Long>combineFn()).withoutDefaults()))
        .isEqualTo(40L);
    PAssert.thatSingleton(rest.apply("Sum", Sum.longsGlobally().withoutDefaults()))
        .isEqualTo(restSum);
    second.run().waitUntilFinish();
  }

  @Test(timeout = 120_000)
  public void aPipelineThatNoLongerMatchesItsCheckpointFailsAtRunNamingTheChange()
      throws Exception {
    String topic = "changed";
    BROKER.createTopic(topic, 2);
    produce(topic, 2, 20);
    String dir = temp.newFolder().getPath();

    Pipeline first = Pipeline.create(options(dir));
    values(first, topic, 20).apply("Sum", Sum.longsGlobally().withoutDefaults());
    first.run().waitUntilFinish();

    Pipeline second = Pipeline.create(options(dir));
    values(second, topic, 20).apply("Total", Sum.longsGlobally().withoutDefaults());
    CheckpointMismatchException error =
        assertThrows(CheckpointMismatchException.class, () -> second.run());
    assertTrue(error.getMessage(), error.getMessage().contains("no longer in the pipeline"));
    assertTrue(error.getMessage(), error.getMessage().contains("Sum"));
    assertTrue(error.getMessage(), error.getMessage().contains("new in the pipeline"));
    assertTrue(error.getMessage(), error.getMessage().contains("Total"));
  }
}
