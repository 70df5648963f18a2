package dev.microbatch.translation.translators;

import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.SplittableProcessStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/** The keyed ProcessFn of a splittable DoFn, at the head of the stage after its key shuffle. */
public final class SplittableProcessTranslator implements TransformTranslator {

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    SplittableParDoViaKeyedWorkItems.ProcessElements process =
        (SplittableParDoViaKeyedWorkItems.ProcessElements) transform.getTransform();
    String name = transform.getFullName();
    PCollection<?> input = Translators.onlyInput(transform);
    Map<TupleTag<?>, PCollection<?>> outputs = Translators.outputs(transform);
    Map<TupleTag<?>, Coder<?>> outputCoders = new LinkedHashMap<>();
    outputs.forEach((tag, pc) -> outputCoders.put(tag, pc.getCoder()));
    List<PCollectionView<?>> sideInputs = new ArrayList<>(process.getSideInputs());
    SplittableProcessStep.Spec spec =
        new SplittableProcessStep.Spec(
            name,
            SerializableUtils.serializeToByteArray(process.newProcessFn(process.getFn())),
            input.getCoder(),
            process.getMainOutputTag(),
            new ArrayList<>(process.getAdditionalOutputTags().getAll()),
            outputCoders,
            input.getWindowingStrategy(),
            process.getSideInputMapping(),
            sideInputs,
            context.serializableOptions());
    context.addFusedStep(
        name, input, env -> new SplittableProcessStep(spec, env), outputs, sideInputs);
  }
}
