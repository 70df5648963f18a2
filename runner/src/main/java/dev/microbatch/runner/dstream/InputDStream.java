package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.StreamingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/**
 * A source of the graph. At each batch it fixes its slice (which records belong to the batch) and
 * returns partitions that read that slice when a task iterates them.
 *
 * <p>An input yields at least as many partitions in every batch as in the one before (empty ones
 * included; new ones, such as new Kafka partitions, are appended), so that partition i of a
 * downstream stage is always the same task and its per-partition state is found again.
 */
public abstract class InputDStream<T> extends DStream<T> {

  private int partitionCount = -1;
  private volatile boolean stopped;

  protected InputDStream(String name) {
    super(name, List.of());
  }

  @Override
  protected String kind() {
    return "input";
  }

  /**
   * Checks the partition-count invariant on this batch's result: it is the engine's rule, not
   * something each input is trusted to remember.
   */
  final void checkPartitionCount(BatchResult<T> result) {
    if (result.numPartitions() < partitionCount) {
      throw new IllegalStateException(
          "Input "
              + name()
              + " yielded "
              + result.numPartitions()
              + " partitions after "
              + partitionCount
              + " in earlier batches; an input may add partitions but never drop one");
    }
    partitionCount = result.numPartitions();
  }

  /** A listener the scheduler should tell about batches (rate control), if the input has one. */
  public Optional<StreamingListener> batchListener() {
    return Optional.empty();
  }

  /** How this input checkpoints its position and replays a slice; empty if it cannot. */
  public Optional<InputRecovery> recovery() {
    return Optional.empty();
  }

  /**
   * Stops reading (a drain): from the next batch on the input delivers nothing, in as many empty
   * partitions as before, and its watermark is the end of time, so that every window downstream
   * fires its final pane.
   */
  public final void stop() {
    stopped = true;
  }

  /** This batch's slice: the input's own, or nothing once stopped. */
  final BatchResult<T> slice(BatchContext batch) throws Exception {
    if (!stopped) {
      return compute(batch);
    }
    List<Partition<T>> empty = new ArrayList<>();
    for (int i = 0; i < Math.max(partitionCount, 0); i++) {
      empty.add(new ListPartition<>(List.of()));
    }
    return BatchResult.of(empty, BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  /** True once the input has delivered everything it ever will and its watermark is final. */
  protected abstract boolean hasDeliveredEverything();

  /** True once the input is done: it delivered everything, or it was stopped. */
  public final boolean isExhausted() {
    return stopped || hasDeliveredEverything();
  }
}
