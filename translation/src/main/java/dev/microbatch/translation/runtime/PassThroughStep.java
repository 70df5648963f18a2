package dev.microbatch.translation.runtime;

import org.apache.beam.sdk.values.WindowedValue;

/** Passes elements on unchanged (a Window.into that only changes the trigger). */
public final class PassThroughStep implements Step {

  private final Receiver output;

  public PassThroughStep(Receiver output) {
    this.output = output;
  }

  @Override
  public void process(Object element) throws Exception {
    output.accept(element);
  }

  @Override
  public void processLike(Object value, WindowedValue<?> windowing) throws Exception {
    output.acceptLike(value, windowing);
  }
}
