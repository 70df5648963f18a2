package dev.microbatch.examples.bench;

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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The job under test (b): a pass-through Kafka-to-Kafka pipeline on the MicroBatchRunner, {@code
 * KafkaIO.read()} of byte arrays without metadata into {@code KafkaIO.write()} to a fresh output
 * topic, unbounded. Timed from {@code run()} until the output topic holds every input record
 * (watched through its end offsets), then cancelled.
 */
final class MicroBatchKafkaCopy implements ThroughputVariant.Job {

  /** How often the output topic's end offsets are read: the timing's resolution. */
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(20);

  private final List<String> args;

  /**
   * @param args the pipeline's arguments (runner, batch interval, ...)
   */
  MicroBatchKafkaCopy(List<String> args) {
    this.args = List.copyOf(args);
  }

  @Override
  public ThroughputVariant.Run run(KafkaBenchCluster cluster, Duration limit, String outputSlug)
      throws Exception {
    String output = cluster.newOutputTopic(outputSlug);
    try {
      Pipeline pipeline = pipeline(cluster.bootstrapServers(), output);
      BatchSizes batches = new BatchSizes();
      Deadline deadline = Deadline.after(limit, "The MicroBatchRunner job");
      RunMeter meter = RunMeter.start();
      MicroBatchPipelineResult result = (MicroBatchPipelineResult) pipeline.run();
      RunMeter.Reading reading;
      try {
        result.addStreamingListener(batches);
        long written = 0;
        while (written < cluster.records()) {
          deadline.check(written + " of " + cluster.records() + " records in the output topic");
          // A failed run rethrows its failure here rather than being waited for until the limit.
          PipelineResult.State state = result.waitUntilFinish(toJoda(WATCH_INTERVAL));
          if (state.isTerminal()) {
            throw new IllegalStateException("The pipeline ended early: " + state);
          }
          written = cluster.recordsIn(output);
        }
        reading = meter.stop();
      } catch (TimeoutException e) {
        BenchSupport.dumpBusyThreads("The MicroBatchRunner job");
        throw e;
      } finally {
        result.cancel();
      }
      return new ThroughputVariant.Run(reading, cluster.recordsIn(output), batches.toString());
    } finally {
      cluster.deleteTopic(output);
    }
  }

  private Pipeline pipeline(String bootstrapServers, String output) {
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
            .withValidation()
            .as(MicroBatchPipelineOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(
            KafkaIO.<byte[], byte[]>read()
                .withBootstrapServers(bootstrapServers)
                .withTopic(KafkaBenchCluster.INPUT_TOPIC)
                .withKeyDeserializer(ByteArrayDeserializer.class)
                .withValueDeserializer(ByteArrayDeserializer.class)
                .withConsumerConfigUpdates(
                    Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
                .withoutMetadata())
        .apply(
            KafkaIO.<byte[], byte[]>write()
                .withBootstrapServers(bootstrapServers)
                .withTopic(output)
                .withKeySerializer(ByteArraySerializer.class)
                .withValueSerializer(ByteArraySerializer.class));
    return pipeline;
  }

  private static org.joda.time.Duration toJoda(Duration duration) {
    return org.joda.time.Duration.millis(duration.toMillis());
  }

  /** How the runner cut the input into batches: how many completed, and the largest. */
  private static final class BatchSizes implements StreamingListener {
    private final AtomicLong nonEmpty = new AtomicLong();
    private final AtomicLong largest = new AtomicLong();

    @Override
    public void onBatchCompleted(BatchInfo batch) {
      long records = batch.totalRecordsIn();
      if (records > 0) {
        nonEmpty.incrementAndGet();
        largest.accumulateAndGet(records, Math::max);
      }
    }

    @Override
    public String toString() {
      return String.format("%d batch(es) with records, largest %,d", nonEmpty.get(), largest.get());
    }
  }
}
