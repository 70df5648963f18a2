package dev.microbatch.runner.rate;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How many records one partition of an input may deliver in one batch: the least of a fixed maximum
 * rate per partition and, with backpressure, the estimated rate (the initial rate until there is an
 * estimate) shared by the input's partitions. Rates are records per second; 0 means no bound.
 *
 * @param batchIntervalMillis the batch interval
 * @param maxRatePerPartition fixed bound per partition, 0 for none
 * @param initialRate bound for the whole input until backpressure has an estimate, 0 for none
 * @param backpressure the controller whose estimate bounds the whole input, if enabled
 */
public record RateLimit(
    long batchIntervalMillis,
    double maxRatePerPartition,
    double initialRate,
    Optional<RateController> backpressure) {

  /** No bound at all. */
  public static RateLimit none(long batchIntervalMillis) {
    return new RateLimit(batchIntervalMillis, 0, 0, Optional.empty());
  }

  /** Records a partition may deliver in one batch; -1 for no bound; at least 1 when bounded. */
  public long maxRecordsPerPartition(int partitions) {
    double seconds = batchIntervalMillis / 1000.0;
    double bound = Double.POSITIVE_INFINITY;
    if (maxRatePerPartition > 0) {
      bound = maxRatePerPartition * seconds;
    }
    if (backpressure.isPresent()) {
      OptionalDouble estimated = backpressure.get().rate();
      double inputRate =
          estimated.isPresent() ? estimated.getAsDouble() : (initialRate > 0 ? initialRate : 0);
      if (inputRate > 0) {
        bound = Math.min(bound, inputRate * seconds / Math.max(1, partitions));
      }
    }
    return Double.isInfinite(bound) ? -1 : Math.max(1, (long) Math.floor(bound));
  }
}
