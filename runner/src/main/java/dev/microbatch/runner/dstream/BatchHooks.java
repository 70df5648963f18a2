package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.BatchTime;
import java.util.List;
import java.util.Optional;

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

  /**
   * The batch's transactions committed; {@code last} when the run has nothing left to do after it.
   *
   * @return whether the batch is durable now, so that its sources and bundles may be finalized:
   *     false while it is only recorded as a slice to replay (a checkpoint is written every few
   *     batches), and the finalizations then wait for the batch whose checkpoint covers it
   */
  default boolean committed(BatchContext batch, boolean last) throws Exception {
    return true;
  }

  /**
   * Makes the run ready to run the failed batch again over the same slice, from the state of the
   * last checkpoint; empty when that is not possible (nothing to restore from).
   *
   * @return the batches that committed since that checkpoint, to be run again over their slices,
   *     in order, before the failed one (none when every batch is checkpointed)
   */
  default Optional<List<BatchTime>> prepareRetry(BatchTime failed, PipelineRun run)
      throws Exception {
    return Optional.empty();
  }
}
