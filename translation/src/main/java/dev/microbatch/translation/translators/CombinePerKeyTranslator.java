package dev.microbatch.translation.translators;

import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.CombineSpec;
import dev.microbatch.translation.runtime.FinalCombineStep;
import dev.microbatch.translation.runtime.GroupAlsoByWindowStep;
import dev.microbatch.translation.runtime.PartialCombineStep;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Combine.perKey with a plain CombineFn and no side inputs. Its combiner is lifted where that is
 * exactly Beam's result: each task accumulates its keys before the shuffle, and the reduce side
 * merges accumulators and extracts outputs. That needs non-merging windows, the default trigger,
 * and in a streaming run no allowed lateness (a window then has one pane, on time, and data for a
 * window whose end the watermark passed is dropped; with lateness, the late panes need the trigger
 * machinery). Otherwise every element is shuffled and its pane keeps one accumulator (merged when
 * windows merge) instead of the values a GroupByKey would keep; triggers, lateness and panes are
 * ReduceFnRunner's, as for a GroupByKey. Any other Combine.perKey is expanded (GroupByKey +
 * Combine.GroupedValues).
 */
public final class CombinePerKeyTranslator implements TransformTranslator {

  @Override
  public boolean canTranslate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    if (!(transform.getTransform() instanceof Combine.PerKey<?, ?, ?> perKey)
        || !(perKey.getFn() instanceof Combine.CombineFn<?, ?, ?>)
        || !perKey.getSideInputs().isEmpty()) {
      return false;
    }
    PCollection<?> input = Translators.onlyInput(transform);
    return input.getCoder() instanceof KvCoder<?, ?> kv
        && accumulatorCoder(perKey, input, kv).isPresent();
  }

  /** Whether the combiner may run before the shuffle (see the class comment). */
  private static boolean liftable(PCollection<?> input, TranslationContext context) {
    WindowingStrategy<?, ?> strategy = input.getWindowingStrategy();
    return strategy.getWindowFn().isNonMerging()
        && strategy.getTrigger() instanceof DefaultTrigger
        && (!context.options().isStreaming()
            || strategy.getAllowedLateness().equals(org.joda.time.Duration.ZERO));
  }

  /** The accumulator coder (kept state is checkpointed with it); without one, no lifting. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Optional<Coder<Object>> accumulatorCoder(
      Combine.PerKey<?, ?, ?> perKey, PCollection<?> input, KvCoder<?, ?> coder) {
    try {
      return Optional.of(
          ((Combine.CombineFn) perKey.getFn())
              .getAccumulatorCoder(input.getPipeline().getCoderRegistry(), coder.getValueCoder()));
    } catch (CannotProvideCoderException e) {
      return Optional.empty();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    Combine.PerKey<?, ?, ?> perKey = (Combine.PerKey<?, ?, ?>) transform.getTransform();
    PCollection<?> input = Translators.onlyInput(transform);
    KvCoder<?, ?> coder = Translators.kvCoder(input, name);
    if (!liftable(input, context)) {
      GroupByKeyTranslator.groupByKeyAndWindow(
          transform,
          context,
          new GroupAlsoByWindowStep.Combining(
              AppliedCombineFn.withAccumulatorCoder(
                  (Combine.CombineFn<Object, Object, Object>) perKey.getFn(),
                  accumulatorCoder(perKey, input, coder).orElseThrow())));
      return;
    }
    TupleTag<Object> partialTag = new TupleTag<>("partial");
    CombineSpec partial =
        new CombineSpec(
            name + "/Partial",
            (Combine.CombineFn<Object, Object, Object>) perKey.getFn(),
            (Coder<Object>) coder.getKeyCoder(),
            accumulatorCoder(perKey, input, coder).orElseThrow(),
            input.getWindowingStrategy(),
            partialTag);
    CombineSpec merge =
        new CombineSpec(
            name,
            partial.combineFn(),
            partial.keyCoder(),
            partial.accumulatorCoder(),
            partial.windowingStrategy(),
            Translators.onlyOutputTag(transform));
    // The accumulators exist only between the two phases; they get a PCollection of their own so
    // that the shuffle can read them like any other, with the coder that encodes them where they
    // leave the JVM.
    PCollection<?> accumulators =
        PCollection.createPrimitiveOutputInternal(
            input.getPipeline(),
            input.getWindowingStrategy(),
            input.isBounded(),
            (Coder) KvCoder.of(partial.keyCoder(), partial.accumulatorCoder()));
    accumulators.setName(name + "/Accumulators");
    context.addFusedStep(
        name + "/Partial",
        input,
        env -> new PartialCombineStep(partial, env),
        Map.of(partialTag, accumulators),
        List.of());
    ShuffleSupport.shuffleThen(
        context,
        name,
        accumulators,
        Translators.kvKeyExtractor(coder.getKeyCoder()),
        env -> new FinalCombineStep(merge, env),
        Translators.outputs(transform),
        List.of());
  }
}
