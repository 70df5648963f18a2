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

  protected InputDStream(String name) {
    super(name, List.of());
  }

  /** True once the input has delivered everything it ever will and its watermark is final. */
  public abstract boolean isExhausted();

  @Override
  public final boolean isQuiescent() {
    return isExhausted();
  }
}
