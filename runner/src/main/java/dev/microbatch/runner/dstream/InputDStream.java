package dev.microbatch.runner.dstream;

import java.util.List;

/**
 * A source of the graph. At each batch it fixes its slice (which records belong to the batch) and
 * returns partitions that read that slice when a task iterates them.
 *
 * <p>An input yields the same number of partitions in every batch (empty ones included), so that
 * partition i of a downstream stage is always the same task and its per-partition state is found
 * again.
 */
public abstract class InputDStream<T> extends DStream<T> {

  private int partitionCount = -1;

  protected InputDStream(String name) {
    super(name, List.of());
  }

  /**
   * Checks the partition-count invariant on this batch's result: it is the engine's rule, not
   * something each input is trusted to remember.
   */
  final void checkPartitionCount(BatchResult<T> result) {
    if (partitionCount < 0) {
      partitionCount = result.numPartitions();
    } else if (partitionCount != result.numPartitions()) {
      throw new IllegalStateException(
          "Input "
              + name()
              + " yielded "
              + result.numPartitions()
              + " partitions after "
              + partitionCount
              + " in earlier batches; an input must keep its partition count");
    }
  }

  /** True once the input has delivered everything it ever will and its watermark is final. */
  public abstract boolean isExhausted();

  @Override
  public final boolean isQuiescent() {
    return isExhausted();
  }
}
