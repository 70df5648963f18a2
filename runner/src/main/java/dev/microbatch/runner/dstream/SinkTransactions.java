package dev.microbatch.runner.dstream;

/** Where a sink hands its transaction of a batch attempt, to be committed or aborted with it. */
public interface SinkTransactions {

  /**
   * Commits {@code transaction} with the batch: the first step of the batch's commit, before the
   * checkpoint and before any source is finalized. It is aborted instead if the batch fails.
   */
  void commitTransaction(SinkTransaction transaction);

  /**
   * A sink did not begin its transaction in this attempt because an earlier attempt or run had
   * already committed the batch's; shown with the batch.
   */
  void transactionAlreadyCommitted(String sink, String target);
}
