package dev.microbatch.translation.translators;

import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import dev.microbatch.translation.runtime.DoFnSpec;
import dev.microbatch.translation.runtime.DoFnStep;
import dev.microbatch.translation.runtime.KeyedDoFnStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.ParDoTranslation;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * ParDo. A stateless DoFn is fused into the stage of its input. A DoFn with state or timers gets a
 * hash shuffle on its key first, and runs at the head of a new stage whose partitions own the keys'
 * state across batches.
 */
public final class ParDoTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    ParDo.MultiOutput<?, ?> parDo = (ParDo.MultiOutput<?, ?>) transform.getTransform();
    DoFn<?, ?> fn = parDo.getFn();
    DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
    if (signature.processElement().isSplittable()) {
      throw new UnsupportedTransformException(
          name,
          PTransformTranslation.PAR_DO_TRANSFORM_URN,
          "splittable DoFn " + fn.getClass().getName() + " was not expanded by the runner");
    }
    PCollection<?> input = Translators.onlyInput(transform);
    Map<TupleTag<?>, PCollection<?>> outputs = Translators.outputs(transform);
    Map<TupleTag<?>, Coder<?>> outputCoders = new LinkedHashMap<>();
    outputs.forEach((tag, pc) -> outputCoders.put(tag, pc.getCoder()));
    List<PCollectionView<?>> sideInputs = new ArrayList<>(parDo.getSideInputs().values());
    DoFnSpec spec =
        new DoFnSpec(
            name,
            SerializableUtils.serializeToByteArray(fn),
            input.getCoder(),
            parDo.getMainOutputTag(),
            new ArrayList<>(parDo.getAdditionalOutputTags().getAll()),
            outputCoders,
            input.getWindowingStrategy(),
            ParDoTranslation.getSchemaInformation(transform),
            ParDoTranslation.getSideInputMapping(transform),
            sideInputs,
            context.serializableOptions());

    if (signature.usesState() || signature.usesTimers()) {
      Coder<?> keyCoder = Translators.kvCoder(input, name).getKeyCoder();
      boolean timeSorted = signature.processElement().requiresTimeSortedInput();
      ShuffleSupport.shuffleThen(
          context,
          name,
          input,
          Translators.kvKeyExtractor(keyCoder),
          env -> new KeyedDoFnStep(spec, timeSorted, env),
          outputs,
          sideInputs);
    } else {
      context.addFusedStep(name, input, env -> new DoFnStep(spec, env), outputs, sideInputs);
    }
  }
}
