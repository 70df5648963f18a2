package dev.microbatch.translation.runtime;

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
}
