package dev.microbatch.translation.runtime;

import java.io.Closeable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricsContainer;

/**
 * Makes a step's metrics container current while user code of that step runs, through its task's
 * {@link MetricsRouter}. The scope object is reused for every call (a task is single-threaded and a
 * step is never re-entered while it is running), so entering it allocates nothing per element.
 */
final class MetricsScope implements Closeable {

  private final MetricsRouter router;
  private final MetricsContainer container;
  private MetricsContainer previous;

  MetricsScope(MetricsRouter router, MetricsContainerStepMap taskMetrics, String stepName) {
    this.router = router;
    this.container = taskMetrics.getContainer(stepName);
  }

  Closeable enter() {
    previous = router.route(container);
    return this;
  }

  @Override
  public void close() {
    router.route(previous);
    previous = null;
  }
}
