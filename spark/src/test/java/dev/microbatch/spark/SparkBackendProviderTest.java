package dev.microbatch.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.InvalidOptionException;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

/** Which {@code --clusterMaster} values reach the Spark backend, checked before anything runs. */
public class SparkBackendProviderTest {

  private final SparkBackendProvider provider = new SparkBackendProvider();

  @Test
  public void claimsTheMastersSparkUsersWrite() {
    for (String master :
        new String[] {
          "spark://host:7077",
          "local",
          "local[4]",
          "local[*]",
          "local[2,3]",
          "local-cluster[2,1,1024]",
          "spark"
        }) {
      assertTrue(master, provider.accepts(master));
    }
    for (String master : new String[] {"yarn", "k8s://host", "local[]", "sparky", ""}) {
      assertFalse(master, provider.accepts(master));
    }
  }

  @Test
  public void aMasterNoBackendUnderstandsFailsWhenTheRunnerIsCreated() {
    InvalidOptionException error =
        assertThrows(
            InvalidOptionException.class,
            () ->
                MicroBatchRunner.fromOptions(
                    PipelineOptionsFactory.fromArgs(
                            "--runner=MicroBatchRunner", "--clusterMaster=yarn")
                        .as(MicroBatchPipelineOptions.class)));
    assertEquals("clusterMaster", error.option());
    assertTrue(error.getMessage(), error.getMessage().contains("spark://host:port"));
  }
}
