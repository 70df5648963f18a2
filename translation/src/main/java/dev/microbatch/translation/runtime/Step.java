package dev.microbatch.translation.runtime;

import org.joda.time.Instant;

/**
 * One Beam transform running inside a task of a fused stage. Steps call their consumers directly
 * through {@link Receiver}s: nothing is encoded between fused steps.
 */
public interface Step {

  default void start() throws Exception {}

  void process(Object element) throws Exception;

  /**
   * The step's input watermark for this batch; fires due timers and returns the step's output
   * watermark. An element-wise step holds nothing back.
   */
  default Instant advanceWatermark(Instant inputWatermark) throws Exception {
    return inputWatermark;
  }

  default void finish() throws Exception {}

  default boolean hasPendingWork() {
    return false;
  }

  default void close() throws Exception {}
}
