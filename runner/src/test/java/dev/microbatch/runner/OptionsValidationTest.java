package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

/** Invalid options fail when the pipeline runs, naming the option. */
public class OptionsValidationTest {

  private static InvalidOptionException runWith(String... args) {
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args).as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    Pipeline pipeline = Pipeline.create(options);
    return assertThrows(InvalidOptionException.class, pipeline::run);
  }

  @Test
  public void rejectsANonPositiveBatchInterval() {
    InvalidOptionException e = runWith("--batchIntervalMillis=0");
    assertEquals("batchIntervalMillis", e.option());
    assertThat(e.getMessage(), containsString("--batchIntervalMillis"));
  }

  @Test
  public void rejectsZeroParallelism() {
    assertEquals("parallelism", runWith("--parallelism=0").option());
  }

  @Test
  public void rejectsAZeroRecordLimit() {
    assertEquals("maxRecordsPerBatch", runWith("--maxRecordsPerBatch=0").option());
  }

  @Test
  public void rejectsANegativeSourceRetryTimeout() {
    assertEquals("sourceRetryTimeoutMillis", runWith("--sourceRetryTimeoutMillis=-1").option());
  }

  @Test
  public void parallelismDefaultsToTheCores() {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    assertEquals(-1, (int) options.getParallelism());
    options.setRunner(MicroBatchRunner.class);
    int resolved = MicroBatchRunner.fromOptions(options).options().getParallelism();
    assertEquals(Runtime.getRuntime().availableProcessors(), resolved);
  }

  @Test
  public void runnerResolvesByName() {
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner")
            .as(MicroBatchPipelineOptions.class);
    assertEquals(MicroBatchRunner.class, options.getRunner());
    MicroBatchPipelineOptions test =
        PipelineOptionsFactory.fromArgs("--runner=TestMicroBatchRunner")
            .as(MicroBatchPipelineOptions.class);
    assertEquals(TestMicroBatchRunner.class, test.getRunner());
  }
}
