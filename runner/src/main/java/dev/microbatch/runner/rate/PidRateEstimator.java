package dev.microbatch.runner.rate;

import java.util.OptionalDouble;

/**
 * A PID controller on the input rate, as Spark Streaming's backpressure has it. The process
 * variable is the rate the job actually processed in the last batch (records / processing time);
 * the set point is the rate the input was allowed. The error pulls the rate to what was processed;
 * the integral term is the backlog (scheduling delay) expressed as a rate, which pushes the rate
 * below the processing rate until the backlog is gone; the derivative damps changes.
 */
public final class PidRateEstimator implements RateEstimator {

  private final double batchIntervalSeconds;
  private final double proportional;
  private final double integral;
  private final double derivative;
  private final double minRate;
  private long lastTimeMillis = -1;
  private double lastRate = -1;
  private double lastError;

  /**
   * @param batchIntervalMillis the batch interval
   * @param proportional weight of the current error (1.0 is a sensible default)
   * @param integral weight of the backlog (0.2)
   * @param derivative weight of the error's change (0.0)
   * @param minRate the rate never goes below this, so a stalled job still makes progress
   */
  public PidRateEstimator(
      long batchIntervalMillis,
      double proportional,
      double integral,
      double derivative,
      double minRate) {
    if (batchIntervalMillis <= 0 || proportional < 0 || integral < 0 || derivative < 0) {
      throw new IllegalArgumentException("interval must be positive and weights not negative");
    }
    if (minRate <= 0) {
      throw new IllegalArgumentException("minRate must be positive, got " + minRate);
    }
    this.batchIntervalSeconds = batchIntervalMillis / 1000.0;
    this.proportional = proportional;
    this.integral = integral;
    this.derivative = derivative;
    this.minRate = minRate;
  }

  /** Default weights: proportional 1.0, integral 0.2, derivative 0, at least 100 records/s. */
  public static PidRateEstimator withDefaults(long batchIntervalMillis) {
    return new PidRateEstimator(batchIntervalMillis, 1.0, 0.2, 0.0, 100);
  }

  @Override
  public OptionalDouble compute(
      long batchTimeMillis, long records, long processingMillis, long schedulingDelayMillis) {
    if (batchTimeMillis <= lastTimeMillis || records <= 0 || processingMillis <= 0) {
      // Nothing learnt: an empty or instantaneous batch says nothing about capacity.
      return OptionalDouble.empty();
    }
    double processingRate = records * 1000.0 / processingMillis;
    double error;
    double errorChange;
    if (lastRate < 0) {
      // First measurement: the rate the batch was allowed is unknown, so the job is taken to have
      // run at what it processed (no error yet). Spark answers nothing here, because its batches'
      // slices were fixed when they were generated; this runner fixes a slice when its batch
      // starts, so a batch after an unanswered first one would take everything that arrived
      // meanwhile, the very overload backpressure is there to prevent.
      lastRate = processingRate;
      error = 0;
      errorChange = 0;
    } else {
      double sinceLast = (batchTimeMillis - lastTimeMillis) / 1000.0;
      error = lastRate - processingRate;
      errorChange = (error - lastError) / sinceLast;
    }
    double backlogAsRate = (schedulingDelayMillis / 1000.0) * processingRate / batchIntervalSeconds;
    double rate =
        Math.max(
            minRate,
            lastRate - proportional * error - integral * backlogAsRate - derivative * errorChange);
    lastTimeMillis = batchTimeMillis;
    lastRate = rate;
    lastError = error;
    return OptionalDouble.of(rate);
  }
}
