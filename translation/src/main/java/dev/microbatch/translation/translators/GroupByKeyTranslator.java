package dev.microbatch.translation.translators;

import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.GroupAlsoByWindowStep;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

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
    groupByKeyAndWindow(
        transform.getFullName(),
        Translators.onlyInput(transform),
        Translators.onlyOutputTag(transform),
        Translators.outputs(transform),
        context,
        reduction);
  }

  /**
   * Shuffles {@code input} by key and runs its panes with {@code reduction} in step {@code name},
   * whose grouped output is {@code outputTag} of {@code outputs}.
   */
  static void groupByKeyAndWindow(
      String name,
      PCollection<?> input,
      TupleTag<?> outputTag,
      Map<TupleTag<?>, PCollection<?>> outputs,
      TranslationContext context,
      GroupAlsoByWindowStep.Reduction reduction) {
    KvCoder<?, ?> coder = Translators.kvCoder(input, name);
    BatchAlignment.warnIfMisaligned(
        name, input.getWindowingStrategy(), context.options().getBatchIntervalMillis());
    GroupAlsoByWindowStep.Spec spec =
        new GroupAlsoByWindowStep.Spec(
            name,
            input.getWindowingStrategy(),
            coder.getKeyCoder(),
            coder.getValueCoder(),
            outputTag,
            context.serializableOptions(),
            reduction);
    ShuffleSupport.shuffleThen(
        context,
        name,
        input,
        Translators.kvKeyExtractor(coder.getKeyCoder()),
        env -> new GroupAlsoByWindowStep(spec, env),
        outputs,
        List.of());
  }
}
