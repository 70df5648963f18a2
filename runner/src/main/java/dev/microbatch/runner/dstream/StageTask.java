package dev.microbatch.runner.dstream;

import org.joda.time.Instant;

/**
 * One partition of a fused stage in one batch. The engine calls, in order: {@link #start}, {@link
 * #processAll} with the input partition (which calls {@link #process} for every element), {@link
 * #advanceWatermark} once the input watermark of the batch is known (event-time and due
 * processing-time timers fire here), {@link #finish}, then {@link #release} when all went well, or
 * {@link #close} after a failure.
 */
public interface StageTask {

  default void start() throws Exception {}

  void process(Object element) throws Exception;

  /**
   * Calls {@link #process} for every element of {@code input}, as it is read, and returns how many
   * there were. A task that sets up per-call context (such as which metrics container is current)
   * may override it to do so once for the whole partition rather than once per element.
   */
  default long processAll(Partition<?> input) throws Exception {
    long[] count = new long[1];
    input.forEach(
        element -> {
          count[0]++;
          process(element);
        });
    return count[0];
  }

  /**
   * The stage's input watermark for this batch; fires whatever became due and returns this
   * partition's output watermark (the input watermark held back by holds and pending timers).
   */
  default Instant advanceWatermark(Instant inputWatermark) throws Exception {
    return inputWatermark;
  }

  default void finish() throws Exception {}

  /** True while this partition holds timers or buffered elements that a later batch must see. */
  default boolean hasPendingWork() {
    return false;
  }

  /** Tears down what the task set up; called after a failure, and by the default {@link #release}. */
  default void close() throws Exception {}

  /**
   * The task ended well: what it set up may be left for later tasks ({@link TaskContext#instances})
   * instead of being torn down.
   */
  default void release() throws Exception {
    close();
  }
}
