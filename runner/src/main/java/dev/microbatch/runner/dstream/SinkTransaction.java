package dev.microbatch.runner.dstream;

/**
 * A sink's transaction in one attempt of a batch: committed as the first step of the batch's
 * commit, aborted if the attempt fails. What it says about itself is shown with the batch (its
 * events, the batch page).
 */
public interface SinkTransaction {

  /** The sink's step name. */
  String sink();

  /** Where the transaction writes, for people (a topic and the producer's transactional id). */
  String target();

  /** The records written in the transaction so far. */
  long records();

  void commit() throws Exception;

  void abort() throws Exception;
}
