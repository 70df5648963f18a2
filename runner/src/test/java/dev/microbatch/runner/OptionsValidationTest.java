package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

import java.io.File;
import java.io.IOException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Invalid options fail when the runner is created, at {@code Pipeline.create}, before a pipeline is
 * built or anything written, naming the option.
 */
public class OptionsValidationTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private static MicroBatchPipelineOptions options(String... args) {
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args).as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    return options;
  }

  private static InvalidOptionException runWith(String... args) {
    MicroBatchPipelineOptions options = options(args);
    return assertThrows(InvalidOptionException.class, () -> Pipeline.create(options));
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
  public void rejectsANegativeParallelismOtherThanTheCores() {
    assertEquals("parallelism", runWith("--parallelism=-2").option());
  }

  @Test
  public void rejectsACheckpointIntervalBelowOneBatch() {
    InvalidOptionException e = runWith("--checkpointIntervalBatches=0");
    assertEquals("checkpointIntervalBatches", e.option());
    assertThat(e.getMessage(), containsString("must be >= 1"));
  }

  @Test
  public void rejectsACheckpointIntervalOfSeveralBatchesOnACluster() {
    InvalidOptionException e =
        runWith("--checkpointIntervalBatches=5", "--clusterMaster=spark://127.0.0.1:7077");
    assertEquals("checkpointIntervalBatches", e.option());
    assertThat(e.getMessage(), containsString("must be 1 with --clusterMaster"));
  }

  @Test
  public void rejectsACheckpointLocationThatIsAFile() throws IOException {
    File file = folder.newFile("not-a-directory");
    InvalidOptionException e = runWith("--checkpointLocation=" + file);
    assertEquals("checkpointLocation", e.option());
    assertThat(e.getMessage(), containsString(file + " is not a directory"));
  }

  @Test
  public void rejectsACheckpointLocationThatCannotBeCreated() throws IOException {
    File file = folder.newFile("a-file");
    InvalidOptionException e = runWith("--checkpointLocation=" + file + "/checkpoints");
    assertEquals("checkpointLocation", e.option());
    assertThat(e.getMessage(), containsString(file + " is not a directory to create it in"));
  }

  @Test
  public void rejectsACheckpointLocationOfAnUnknownFileSystem() {
    InvalidOptionException e = runWith("--checkpointLocation=nosuchscheme://bucket/checkpoints");
    assertEquals("checkpointLocation", e.option());
    assertThat(e.getMessage(), containsString("nosuchscheme"));
  }

  @Test
  public void acceptsACheckpointLocationToBeCreated() {
    String location = folder.getRoot() + "/new/checkpoints";
    MicroBatchRunner runner =
        MicroBatchRunner.fromOptions(options("--checkpointLocation=" + location));
    assertEquals(location, runner.options().getCheckpointLocation());
    assertFalse("validation creates nothing", new File(location).exists());
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
