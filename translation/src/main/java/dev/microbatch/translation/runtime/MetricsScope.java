package dev.microbatch.translation.runtime;

import java.io.Closeable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/**
 * Makes a step's metrics container current while user code of that step runs. The scope object is
 * reused for every call (a task is single-threaded and a step is never re-entered while it is
 * running), so entering it allocates nothing per element.
 */
final class MetricsScope implements Closeable {

  private final MetricsContainer container;
  private MetricsContainer previous;

  MetricsScope(MetricsContainerStepMap taskMetrics, String stepName) {
    this.container = taskMetrics.getContainer(stepName);
  }

  Closeable enter() {
    previous = MetricsEnvironment.setCurrentContainer(container);
    return this;
  }

  @Override
  public void close() {
    MetricsEnvironment.setCurrentContainer(previous);
    previous = null;
  }
}
