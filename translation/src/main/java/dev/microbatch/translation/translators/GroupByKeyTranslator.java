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
    groupByKeyAndWindow(transform, context, new GroupAlsoByWindowStep.Grouping());
  }

  /**
   * Shuffles {@code transform}'s input by key and runs its panes with {@code reduction}: the values
   * themselves (GroupByKey) or a combined value (a Combine.perKey that is not lifted).
   */
  static void groupByKeyAndWindow(
      AppliedPTransform<?, ?, ?> transform,
      TranslationContext context,
      GroupAlsoByWindowStep.Reduction reduction) {
    groupByKeyAndWindow(transform, Translators.onlyInput(transform), context, reduction);
  }

  /**
   * Shuffles {@code input} by key and runs its panes with {@code reduction} as the step that gives
   * {@code transform}'s output: its own input, or what a step before it made of that (a lifted
   * combine's partial accumulators).
   */
  static void groupByKeyAndWindow(
      AppliedPTransform<?, ?, ?> transform,
      PCollection<?> input,
      TranslationContext context,
      GroupAlsoByWindowStep.Reduction reduction) {
    String name = transform.getFullName();
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
            context.serializableOptions(),
            reduction);
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
