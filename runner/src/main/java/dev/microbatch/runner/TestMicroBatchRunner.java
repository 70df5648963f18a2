package dev.microbatch.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The runner for {@code TestPipeline}: runs the pipeline, waits for it to finish and rethrows a
 * failed assertion as the {@link AssertionError} it is.
 */
public final class TestMicroBatchRunner extends PipelineRunner<MicroBatchPipelineResult> {

  private final MicroBatchRunner delegate;

  private TestMicroBatchRunner(MicroBatchPipelineOptions options) {
    this.delegate = new MicroBatchRunner(options);
  }

  public static TestMicroBatchRunner fromOptions(PipelineOptions options) {
    return new TestMicroBatchRunner(RunnerOptions.prepare(options));
  }

  @Override
  public MicroBatchPipelineResult run(Pipeline pipeline) {
    MicroBatchPipelineResult result = delegate.run(pipeline);
    try {
      result.waitUntilFinish();
    } catch (Pipeline.PipelineExecutionException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof AssertionError assertion) {
          throw assertion;
        }
      }
      throw e;
    }
    return result;
  }
}
