package dev.microbatch.translation.runtime;

import java.util.Arrays;
import org.apache.beam.sdk.transforms.Combine;

/**
 * A CombineFn whose inputs are another CombineFn's accumulators: the reduce side of a lifted
 * combine whose panes a trigger fires, where each task's partial accumulators are merged into the
 * pane's accumulator as they arrive, and the pane's output is the original CombineFn's.
 */
public final class MergingAccumulators<AccumT, OutputT>
    extends Combine.CombineFn<AccumT, AccumT, OutputT> {

  private final Combine.CombineFn<?, AccumT, OutputT> combineFn;

  public MergingAccumulators(Combine.CombineFn<?, AccumT, OutputT> combineFn) {
    this.combineFn = combineFn;
  }

  @Override
  public AccumT createAccumulator() {
    return combineFn.createAccumulator();
  }

  @Override
  public AccumT addInput(AccumT accumulator, AccumT partial) {
    return combineFn.mergeAccumulators(Arrays.asList(accumulator, partial));
  }

  @Override
  public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
    return combineFn.mergeAccumulators(accumulators);
  }

  @Override
  public AccumT compact(AccumT accumulator) {
    return combineFn.compact(accumulator);
  }

  @Override
  public OutputT extractOutput(AccumT accumulator) {
    return combineFn.extractOutput(accumulator);
  }
}
