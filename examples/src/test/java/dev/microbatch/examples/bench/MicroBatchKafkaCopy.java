package dev.microbatch.examples.bench;

import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The job under test (b): a pass-through Kafka-to-Kafka pipeline on the MicroBatchRunner, {@code
 * KafkaIO.read()} of byte arrays without metadata into {@code KafkaIO.write()} to a fresh output
 * topic, unbounded. Timed from {@code run()} until batches holding every input record have
 * completed (a batch completes once Kafka has acknowledged all it wrote, or, exactly once, once its
 * transaction has committed), as the runner's listener reports it; then cancelled, and the output
 * topic is counted. The listener, not the output topic's end offsets asked every few milliseconds,
 * says when: those requests would take the broker's and the clients' CPU from the job under test,
 * which the copy loop, knowing when it is done, does not pay.
 */
final class MicroBatchKafkaCopy implements ThroughputVariant.Job {

  /** How often the run's state is looked at while waiting: the timing's resolution. */
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(20);

  private final List<String> args;
  private final boolean exactlyOnce;

  /**
   * @param args the pipeline's arguments (runner, batch interval, ...)
   * @param exactlyOnce write with the runner's {@code TransactionalKafkaWrite}, reading as a
   *     consumer group and checkpointing to a temporary directory, instead of {@code
   *     KafkaIO.write()}; its output is counted by a {@code read_committed} consumer
   */
  MicroBatchKafkaCopy(List<String> args, boolean exactlyOnce) {
    this.args = List.copyOf(args);
    this.exactlyOnce = exactlyOnce;
  }

  @Override
  public ThroughputVariant.Run run(KafkaBenchCluster cluster, Duration limit, String outputSlug)
      throws Exception {
    String output = cluster.newOutputTopic(outputSlug);
    java.nio.file.Path checkpoints = java.nio.file.Files.createTempDirectory("bench-checkpoints");
    try {
      String group = "bench-group-" + output;
      Pipeline pipeline = pipeline(cluster, output, group, checkpoints);
      Deadline deadline = Deadline.after(limit, "The MicroBatchRunner job");
      RunMeter meter = RunMeter.start();
      BatchSizes batches = new BatchSizes(System.currentTimeMillis());
      MicroBatchPipelineResult result = (MicroBatchPipelineResult) pipeline.run();
      RunMeter.Reading reading;
      try {
        // Registered after run(): a batch with records takes far longer than getting here.
        result.addStreamingListener(batches);
        while (batches.completedRecords() < cluster.records()) {
          deadline.check(
              batches.completedRecords()
                  + " of "
                  + cluster.records()
                  + " records in completed batches");
          // A failed run rethrows its failure here rather than being waited for until the limit.
          PipelineResult.State state = result.waitUntilFinish(toJoda(WATCH_INTERVAL));
          if (state.isTerminal()) {
            throw new IllegalStateException("The pipeline ended early: " + state);
          }
        }
        reading = meter.stop();
        if (exactlyOnce) {
          checkCommittedInput(cluster, group, result);
        }
      } catch (TimeoutException e) {
        BenchSupport.dumpBusyThreads("The MicroBatchRunner job");
        throw e;
      } finally {
        result.cancel();
      }
      long out = exactlyOnce ? cluster.committedRecordsIn(output) : cluster.recordsIn(output);
      return new ThroughputVariant.Run(reading, out, batches.toString());
    } finally {
      cluster.deleteTopic(output);
      deleteRecursively(checkpoints);
    }
  }

  /**
   * The sink's transactions commit the input's offsets with the output; a committed offset may
   * become visible to the group's readers a moment after its transaction committed. Asked between
   * waits on the still running job, which rethrows its failure if it fails meanwhile.
   */
  private static void checkCommittedInput(
      KafkaBenchCluster cluster, String group, PipelineResult result) throws Exception {
    Deadline visible = Deadline.after(Duration.ofSeconds(30), "The input group's offsets");
    long committed;
    while ((committed = cluster.committedInput(group)) < cluster.records()) {
      visible.check(committed + " of " + cluster.records() + " offsets committed");
      result.waitUntilFinish(toJoda(WATCH_INTERVAL));
    }
    if (committed != cluster.records()) {
      throw new IllegalStateException(
          "The input group committed " + committed + " offsets, not " + cluster.records());
    }
  }

  private static void deleteRecursively(java.nio.file.Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
      for (java.nio.file.Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(path);
      }
    }
  }

  private Pipeline pipeline(
      KafkaBenchCluster cluster, String output, String group, java.nio.file.Path checkpoints) {
    String bootstrapServers = cluster.bootstrapServers();
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
            .withValidation()
            .as(MicroBatchPipelineOptions.class);
    Map<String, Object> consumer = new java.util.HashMap<>();
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (exactlyOnce) {
      consumer.put(ConsumerConfig.GROUP_ID_CONFIG, group);
      options.setCheckpointLocation(checkpoints.toString());
    }
    Pipeline pipeline = Pipeline.create(options);
    PCollection<KV<byte[], byte[]>> records =
        pipeline.apply(
            KafkaIO.<byte[], byte[]>read()
                .withBootstrapServers(bootstrapServers)
                .withTopic(KafkaBenchCluster.INPUT_TOPIC)
                .withKeyDeserializer(ByteArrayDeserializer.class)
                .withValueDeserializer(ByteArrayDeserializer.class)
                .withConsumerConfigUpdates(consumer)
                .withoutMetadata());
    if (exactlyOnce) {
      records.apply(
          TransactionalKafkaWrite.<byte[], byte[]>to(output)
              .withBootstrapServers(bootstrapServers)
              .withKeySerializer(ByteArraySerializer.class)
              .withValueSerializer(ByteArraySerializer.class)
              .withProducerConfigUpdates(cluster.producerUpdates())
              .withTransactionalId("bench-" + output));
    } else {
      records.apply(
          KafkaIO.<byte[], byte[]>write()
              .withBootstrapServers(bootstrapServers)
              .withTopic(output)
              .withKeySerializer(ByteArraySerializer.class)
              .withValueSerializer(ByteArraySerializer.class)
              .withProducerConfigUpdates(cluster.producerUpdates()));
    }
    return pipeline;
  }

  private static org.joda.time.Duration toJoda(Duration duration) {
    return org.joda.time.Duration.millis(duration.toMillis());
  }

  /**
   * How the runner cut the input into batches: how many completed, the largest, the records in all
   * completed batches, and how long after {@code run()} the first of them started (the run's fixed
   * costs: translation, clients, waiting for a batch time).
   */
  private static final class BatchSizes implements StreamingListener {
    private final long runStartMillis;
    private final AtomicLong nonEmpty = new AtomicLong();
    private final AtomicLong largest = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong firstStartMillis = new AtomicLong(Long.MAX_VALUE);

    BatchSizes(long runStartMillis) {
      this.runStartMillis = runStartMillis;
    }

    @Override
    public void onBatchCompleted(BatchInfo batch) {
      long records = batch.totalRecordsIn();
      if (records > 0) {
        nonEmpty.incrementAndGet();
        largest.accumulateAndGet(records, Math::max);
        completed.addAndGet(records);
        batch
            .processingStartMillis()
            .ifPresent(start -> firstStartMillis.accumulateAndGet(start, Math::min));
      }
    }

    long completedRecords() {
      return completed.get();
    }

    @Override
    public String toString() {
      return String.format(
          "%d batch(es) with records, largest %,d, the first started %.2f s after run()",
          nonEmpty.get(), largest.get(), (firstStartMillis.get() - runStartMillis) / 1e3);
    }
  }
}
