package dev.microbatch.translation.kafka;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Options of the streaming Kafka jobs in the specs, which run until a spec ends them. */
final class JobOptions {

  private JobOptions() {}

  /** A job on the real clock with {@code batchIntervalMillis} batches and {@code parallelism}. */
  static MicroBatchPipelineOptions streaming(long batchIntervalMillis, int parallelism) {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setBatchIntervalMillis(batchIntervalMillis);
    options.setParallelism(parallelism);
    return options;
  }
}
