package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.BatchTime;

/**
 * Points in a batch's life where checkpointing takes part: when every input has fixed its slice,
 * when everything has been read (before any transaction commits), and when the batch's transactions
 * have committed but before its sources are finalized.
 */
public interface BatchHooks {

  /** No checkpointing: nothing is recorded, and a failed batch cannot be retried. */
  BatchHooks NONE = new BatchHooks() {};

  default void slicesFixed(BatchContext batch) throws Exception {}

  /**
   * Every input has been read and every output computed, and nothing is committed yet: a slice that
   * is only known once read (records per unbounded split) is final now.
   */
  default void slicesRead(BatchContext batch) throws Exception {}

  default void committed(BatchContext batch) throws Exception {}

  /**
   * Makes the run ready to run the failed batch again over the same slice, from the state of the
   * last committed batch; false when that is not possible (nothing to restore from).
   */
  default boolean prepareRetry(BatchTime failed, PipelineRun run) throws Exception {
    return false;
  }
}
