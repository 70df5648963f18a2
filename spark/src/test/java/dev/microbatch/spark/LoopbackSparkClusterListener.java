package dev.microbatch.spark;

import org.junit.runner.Description;
import org.junit.runner.notification.RunListener;

/**
 * For Beam's ValidatesRunner suite on the Spark backend: before the first test, starts the loopback
 * cluster and puts its master URL where the suite's pipeline options say {@value #PLACEHOLDER}
 * (Beam's TestPipeline reads {@code beamTestPipelineOptions} for every pipeline it creates).
 */
public final class LoopbackSparkClusterListener extends RunListener {

  public static final String PLACEHOLDER = "@loopback-spark-cluster@";

  private static final String OPTIONS = "beamTestPipelineOptions";

  @Override
  public void testRunStarted(Description description) {
    String options = System.getProperty(OPTIONS, "");
    if (options.contains(PLACEHOLDER)) {
      System.setProperty(OPTIONS, options.replace(PLACEHOLDER, LoopbackSparkCluster.master()));
    }
  }
}
