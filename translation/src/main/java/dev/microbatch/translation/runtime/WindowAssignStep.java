package dev.microbatch.translation.runtime;

import java.io.Serializable;
import java.util.Collection;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/** Window.Assign: gives every element the windows its WindowFn assigns. */
public final class WindowAssignStep implements Step {

  /** The WindowFn and the output tag. */
  public record Spec(WindowFn<Object, BoundedWindow> windowFn, TupleTag<?> output)
      implements Serializable {}

  private final WindowFn<Object, BoundedWindow> windowFn;
  private final Receiver output;

  public WindowAssignStep(Spec spec, StepEnvironment environment) {
    this.windowFn = spec.windowFn();
    this.output = environment.output(spec.output());
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    WindowedValue<Object> wv = (WindowedValue<Object>) element;
    for (WindowedValue<Object> single : wv.explodeWindows()) {
      BoundedWindow window = single.getWindows().iterator().next();
      Collection<BoundedWindow> windows =
          windowFn.assignWindows(new AssignContext(windowFn, single, window));
      output.accept(WindowedValues.of(wv.getValue(), wv.getTimestamp(), windows, wv.getPaneInfo()));
    }
  }

  private static final class AssignContext extends WindowFn<Object, BoundedWindow>.AssignContext {
    private final WindowedValue<Object> value;
    private final BoundedWindow window;

    AssignContext(
        WindowFn<Object, BoundedWindow> fn, WindowedValue<Object> value, BoundedWindow window) {
      fn.super();
      this.value = value;
      this.window = window;
    }

    @Override
    public Object element() {
      return value.getValue();
    }

    @Override
    public Instant timestamp() {
      return value.getTimestamp();
    }

    @Override
    public BoundedWindow window() {
      return window;
    }
  }
}
