package dev.microbatch.runner.metrics;

import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricResults;

/**
 * Pipeline-wide metrics. Every finished task adds its updates to the attempted values; the updates
 * of a batch's tasks are added to the committed values only when the batch commits, so a failed and
 * retried batch counts once in committed and twice in attempted.
 */
public final class MetricsAccumulator {

  private final MetricsContainerStepMap attempted = new MetricsContainerStepMap();
  private final MetricsContainerStepMap committed = new MetricsContainerStepMap();

  /** Metrics of one batch not yet committed. */
  public static final class BatchMetrics {
    private final MetricsContainerStepMap pending = new MetricsContainerStepMap();
  }

  public BatchMetrics newBatch() {
    return new BatchMetrics();
  }

  /** Adds one task's updates: to attempted now, to the batch's pending updates for commit. */
  public synchronized void addTaskMetrics(BatchMetrics batch, MetricsContainerStepMap task) {
    attempted.updateAll(task);
    batch.pending.updateAll(task);
  }

  public synchronized void commit(BatchMetrics batch) {
    committed.updateAll(batch.pending);
  }

  /**
   * The live attempted values, for a metrics pusher that reads them while batches run (the map's
   * cells are thread-safe).
   */
  public MetricsContainerStepMap attemptedLive() {
    return attempted;
  }

  public synchronized MetricResults results() {
    MetricsContainerStepMap attemptedCopy = new MetricsContainerStepMap();
    attemptedCopy.updateAll(attempted);
    MetricsContainerStepMap committedCopy = new MetricsContainerStepMap();
    committedCopy.updateAll(committed);
    return MetricsContainerStepMap.asMetricResults(attemptedCopy, committedCopy);
  }
}
