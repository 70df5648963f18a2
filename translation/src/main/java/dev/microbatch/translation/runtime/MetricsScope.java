package dev.microbatch.translation.runtime;

import java.io.Closeable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/** Makes a step's metrics container current while user code of that step runs. */
final class MetricsScope {

  private final MetricsContainer container;

  MetricsScope(MetricsContainerStepMap taskMetrics, String stepName) {
    this.container = taskMetrics.getContainer(stepName);
  }

  Closeable enter() {
    return MetricsEnvironment.scopedMetricsContainer(container);
  }
}
