package dev.microbatch.translation.kafka;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import dev.microbatch.runner.TestMicroBatchRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Options of the streaming Kafka jobs in the specs, which run until a spec ends them. */
final class JobOptions {

  private JobOptions() {}

  /** A test job (runs until its inputs are exhausted, checks its PAsserts) on two partitions. */
  static MicroBatchPipelineOptions test() {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    return options;
  }

  /** A {@link #test()} job checkpointed in {@code checkpointDir}. */
  static MicroBatchPipelineOptions checkpointed(String checkpointDir) {
    MicroBatchPipelineOptions options = test();
    options.setCheckpointLocation(checkpointDir);
    return options;
  }

  /** A job on the real clock with {@code batchIntervalMillis} batches and {@code parallelism}. */
  static MicroBatchPipelineOptions streaming(long batchIntervalMillis, int parallelism) {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setBatchIntervalMillis(batchIntervalMillis);
    options.setParallelism(parallelism);
    return options;
  }
}
