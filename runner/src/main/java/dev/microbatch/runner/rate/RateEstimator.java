package dev.microbatch.runner.rate;

import java.util.OptionalDouble;

/**
 * Estimates how many records per second an input may deliver, from how the last batches went.
 * Called once per completed batch, in batch order.
 */
public interface RateEstimator {

  /**
   * @param batchTimeMillis the batch's time
   * @param records records the input delivered in it
   * @param processingMillis how long the batch took to process
   * @param schedulingDelayMillis how late the batch started
   * @return a new rate in records per second, or empty to keep the current one
   */
  OptionalDouble compute(
      long batchTimeMillis, long records, long processingMillis, long schedulingDelayMillis);
}
