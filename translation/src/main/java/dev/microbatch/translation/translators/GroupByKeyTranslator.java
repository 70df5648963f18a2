package dev.microbatch.translation.translators;

import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.GroupAlsoByWindowStep;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * GroupByKey: a hash shuffle on the encoded key, then grouping by window per key with
 * beam-runners-core's ReduceFnRunner (all WindowFns, triggers and lateness).
 */
public final class GroupByKeyTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    PCollection<?> input = Translators.onlyInput(transform);
    KvCoder<?, ?> coder = Translators.kvCoder(input, name);
    BatchAlignment.warnIfMisaligned(
        name, input.getWindowingStrategy(), context.options().getBatchIntervalMillis());
    GroupAlsoByWindowStep.Spec spec =
        new GroupAlsoByWindowStep.Spec(
            name,
            input.getWindowingStrategy(),
            coder.getKeyCoder(),
            coder.getValueCoder(),
            Translators.onlyOutputTag(transform),
            context.serializableOptions());
    ShuffleSupport.shuffleThen(
        context,
        name,
        input,
        Translators.kvKeyExtractor(coder.getKeyCoder()),
        env -> new GroupAlsoByWindowStep(spec, env),
        Translators.outputs(transform),
        List.of());
  }
}
