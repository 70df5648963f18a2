package dev.microbatch.translation;

import java.util.Map;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.construction.PTransformReplacements;
import org.apache.beam.sdk.util.construction.ReplacementOutputs;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.util.construction.SplittableParDoNaiveBounded;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * How the runner processes a splittable DoFn's keyed restrictions. A bounded-per-element DoFn: the
 * restrictions (each under a unique random key) are spread over the partitions by a shuffle, then
 * each is processed to completion in one call; without the shuffle every split of a source read
 * through Impulse would land in one partition. A DoFn that may ask to resume (unbounded per
 * element) runs as beam-runners-core's keyed ProcessFn, which checkpoints residuals in state and
 * resumes them from timers at later batch boundaries.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class SplittableProcessOverride
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
    if (needsResumableProcessing(
        DoFnSignatures.signatureForDoFn(transform.getTransform().getFn()))) {
      return PTransformReplacement.of(
          PTransformReplacements.getSingletonMainInput(transform),
          new SplittableParDoViaKeyedWorkItems.SplittableProcessViaKeyedWorkItems<>(
              transform.getTransform()));
    }
    PTransformReplacement<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple> inner =
        naive.getReplacementTransform(transform);
    PTransform<PCollection<KV<byte[], KV<Object, Object>>>, PCollectionTuple> process =
        inner.getTransform();
    return PTransformReplacement.of(inner.getInput(), new SpreadThenProcess(process));
  }

  /**
   * Whether a restriction may need more than one call (unbounded per element), or the DoFn asks for
   * bundle finalization, which only the keyed ProcessFn path provides.
   */
  private static boolean needsResumableProcessing(DoFnSignature signature) {
    return signature.isBoundedPerElement() != PCollection.IsBounded.BOUNDED
        || signature.processElement().extraParameters().stream()
            .anyMatch(p -> p instanceof DoFnSignature.Parameter.BundleFinalizerParameter);
  }

  @Override
  public Map<PCollection<?>, ReplacementOutput> mapOutputs(
      Map<TupleTag<?>, PCollection<?>> outputs, PCollectionTuple newOutput) {
    return ReplacementOutputs.tagged(outputs, newOutput);
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
