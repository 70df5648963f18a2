package dev.microbatch.io;

import dev.microbatch.runner.dstream.BatchContext;
import java.io.Closeable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/**
 * Runs source code (splitting, reading) with the metrics it reports scoped to the source's step
 * name, and adds them to the batch, attempted now and committed with it.
 */
public final class SourceMetrics {

  /** Source work that may fail. */
  @FunctionalInterface
  public interface SourceWork<R> {
    R run() throws Exception;
  }

  private SourceMetrics() {}

  public static <R> R scoped(BatchContext batch, String stepName, SourceWork<R> work)
      throws Exception {
    MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    try {
      return scopedIn(metrics, stepName, work);
    } finally {
      batch.addTaskMetrics(metrics);
    }
  }

  /** Runs {@code work} with its metrics going to {@code metrics} under {@code stepName}. */
  public static <R> R scopedIn(MetricsContainerStepMap metrics, String stepName, SourceWork<R> work)
      throws Exception {
    try (Closeable scope =
        MetricsEnvironment.scopedMetricsContainer(metrics.getContainer(stepName))) {
      return work.run();
    }
  }
}
