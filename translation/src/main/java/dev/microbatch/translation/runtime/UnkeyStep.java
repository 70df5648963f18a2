package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.Keyed;
import java.io.Serializable;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The reduce side of Reshuffle and Redistribute: elements pass through unchanged (timestamps,
 * windows and panes kept), now spread over the shuffle's partitions.
 */
public final class UnkeyStep implements Step {

  /** The output tag. */
  public record Spec(TupleTag<?> output) implements Serializable {}

  private final Receiver output;

  public UnkeyStep(Spec spec, StepEnvironment environment) {
    this.output = environment.output(spec.output());
  }

  @Override
  public void process(Object element) throws Exception {
    output.accept(((Keyed<?>) element).element());
  }
}
