package dev.microbatch.spark.task;

import java.io.Serializable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;

/**
 * What one finished stage task tells the driver besides its elements: how far its partition got,
 * whether it holds work for a later batch, how much it read and how long it ran, its metric
 * updates, and the executor that now caches the partition's keyed state.
 */
public record TaskReport(
    String stage,
    int partition,
    long outputWatermarkMillis,
    boolean pendingWork,
    long recordsIn,
    long millis,
    MetricsContainerStepMap metrics,
    String executor)
    implements Serializable {

  /** The key under which a task's report replaces an earlier attempt's. */
  public static String key(String stage, int partition) {
    return stage + "#" + partition;
  }

  public String key() {
    return key(stage, partition);
  }
}
