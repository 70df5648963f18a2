package dev.microbatch.translation;

import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.util.construction.SplittableParDoNaiveBounded;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Bounded splittable DoFns: the restrictions (already split, each under a unique random key) are
 * first spread over the partitions by a shuffle, then each is processed to completion. Without
 * the shuffle every split of a source read through Impulse would land in one partition.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class ParallelNaiveSplittableProcess
    implements PTransformOverrideFactory<
        PCollection<KV<byte[], KV<Object, Object>>>,
        PCollectionTuple,
        SplittableParDo.ProcessKeyedElements<Object, Object, Object, Object>> {

  private final SplittableParDoNaiveBounded.OverrideFactory<Object, Object, Object, Object> naive =
      new SplittableParDoNaiveBounded.OverrideFactory<>();

  @Override
  public PTransformReplacement<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple>
      getReplacementTransform(
          AppliedPTransform<
                  PCollection<KV<byte[], KV<Object, Object>>>,
                  PCollectionTuple,
                  SplittableParDo.ProcessKeyedElements<Object, Object, Object, Object>>
              transform) {
    PTransformReplacement<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple> inner =
        naive.getReplacementTransform(transform);
    PTransform<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple> process =
        inner.getTransform();
    return PTransformReplacement.of(inner.getInput(), new SpreadThenProcess(process));
  }

  @Override
  public Map<PCollection<?>, ReplacementOutput> mapOutputs(
      Map<TupleTag<?>, PCollection<?>> outputs, PCollectionTuple newOutput) {
    return naive.mapOutputs(outputs, newOutput);
  }

  private static final class SpreadThenProcess
      extends PTransform<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple> {
    private final PTransform<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple> process;

    SpreadThenProcess(
        PTransform<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple> process) {
      this.process = process;
    }

    @Override
    public PCollectionTuple expand(PCollection<KV<byte[], KV<Object, Object>>> input) {
      return input.apply("SpreadRestrictions", Reshuffle.of()).apply("ProcessNaive", process);
    }
  }
}
