package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.StageTask;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * One Beam transform running inside a task of a fused stage. It has the lifecycle of the stage task
 * it is part of (start, process, advance the watermark, finish, close); the fused stage calls its
 * steps in topological order. Steps call their consumers directly through {@link Receiver}s:
 * nothing is encoded between fused steps.
 */
public interface Step extends StageTask {

  /**
   * Processes {@code value} with the timestamp, windows and pane of {@code windowing}: what {@link
   * Receiver#acceptLike} hands on. A step that reads only those (not a {@link WindowedValue} of its
   * own) overrides this to spare the allocation; by default it makes one.
   */
  default void processLike(Object value, WindowedValue<?> windowing) throws Exception {
    process(windowing.withValue(value));
  }
}
