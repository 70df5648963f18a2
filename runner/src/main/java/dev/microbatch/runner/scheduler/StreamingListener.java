package dev.microbatch.runner.scheduler;

/** Receives batch events, in batch order, on the scheduler's thread; keep handlers short. */
public interface StreamingListener {

  default void onBatchSubmitted(BatchInfo batch) {}

  default void onBatchStarted(BatchInfo batch) {}

  default void onBatchCompleted(BatchInfo batch) {}
}
