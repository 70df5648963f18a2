package dev.microbatch.runner;

import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsValidator;

/**
 * The options a runner is created with: Beam's required-option checks and the runner's own range
 * checks (so a bad value fails at {@code Pipeline.create}, before a pipeline or its caller does
 * anything), then {@code --parallelism=-1} (the default, shared with Flink's options) resolved to
 * the machine's cores, so that everything downstream reads one concrete task count.
 */
final class RunnerOptions {

  /** The {@code --parallelism} that asks for one task per core. */
  static final int CORES = -1;

  private RunnerOptions() {}

  static MicroBatchPipelineOptions prepare(PipelineOptions given) {
    MicroBatchPipelineOptions options =
        PipelineOptionsValidator.validate(MicroBatchPipelineOptions.class, given);
    OptionsValidator.validate(options);
    if (options.getParallelism() != null && options.getParallelism() == CORES) {
      options.setParallelism(Runtime.getRuntime().availableProcessors());
    }
    return options;
  }
}
