package dev.microbatch.translation.runtime;

import org.apache.beam.sdk.values.WindowedValue;

/** Where a step sends the elements of one of its outputs. */
@FunctionalInterface
public interface Receiver {

  Receiver DISCARD =
      new Receiver() {
        @Override
        public void accept(Object element) {}

        @Override
        public void acceptLike(Object value, WindowedValue<?> windowing) {}
      };

  void accept(Object element) throws Exception;

  /**
   * Takes {@code value} with the timestamp, windows and pane of {@code windowing} (whose own value
   * is another element's): how a DoFn's output that keeps its input's windowing travels, so that a
   * consumer that needs no {@link WindowedValue} of its own (another such DoFn, a lifted combine)
   * gets none made for it. The default makes one.
   */
  default void acceptLike(Object value, WindowedValue<?> windowing) throws Exception {
    accept(windowing.withValue(value));
  }
}
