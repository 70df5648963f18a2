package dev.microbatch.runner.rate;

import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.util.OptionalDouble;

/**
 * Backpressure for one input: after each completed batch it hands the input's record count, the
 * batch's processing time and its scheduling delay to a {@link RateEstimator}, and keeps the rate
 * the input should not exceed from then on.
 */
public final class RateController implements StreamingListener {

  private final String inputName;
  private final RateEstimator estimator;
  private volatile double rate = Double.NaN;

  public RateController(String inputName, RateEstimator estimator) {
    this.inputName = inputName;
    this.estimator = estimator;
  }

  @Override
  public void onBatchCompleted(BatchInfo batch) {
    long records = batch.recordsIn().getOrDefault(inputName, 0L);
    estimator
        .compute(
            batch.batchTime().millis(),
            records,
            batch.processingTimeMillis().orElse(0L),
            batch.schedulingDelayMillis().orElse(0L))
        .ifPresent(estimated -> rate = estimated);
  }

  /** The latest estimate in records per second; empty before the first. */
  public OptionalDouble rate() {
    double current = rate;
    return Double.isNaN(current) ? OptionalDouble.empty() : OptionalDouble.of(current);
  }
}
