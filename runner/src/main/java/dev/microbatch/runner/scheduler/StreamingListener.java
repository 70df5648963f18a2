package dev.microbatch.runner.scheduler;

/** Receives batch events, in batch order, on the scheduler's thread; keep handlers short. */
public interface StreamingListener {

  default void onBatchSubmitted(BatchInfo batch) {}

  default void onBatchStarted(BatchInfo batch) {}

  default void onBatchCompleted(BatchInfo batch) {}

  /**
   * An attempt of the batch failed and it runs again over the same slice; {@code batch} has the
   * details of the failed attempt.
   */
  default void onBatchRetried(BatchInfo batch, Throwable error) {}

  /** The batch failed for good (no retry left, or none possible); the run stops. */
  default void onBatchFailed(BatchInfo batch, Throwable error) {}
}
