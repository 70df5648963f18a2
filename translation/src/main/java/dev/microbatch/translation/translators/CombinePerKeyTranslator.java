package dev.microbatch.translation.translators;

import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.CombineSpec;
import dev.microbatch.translation.runtime.FinalCombineStep;
import dev.microbatch.translation.runtime.GroupAlsoByWindowStep;
import dev.microbatch.translation.runtime.MergingAccumulators;
import dev.microbatch.translation.runtime.PartialCombineStep;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Combine.perKey with a plain CombineFn and no side inputs. Its combiner is lifted (each task
 * accumulates its keys and windows before the shuffle) where that gives exactly Beam's result,
 * which needs non-merging windows. With the default trigger (and, in a streaming run, no allowed
 * lateness) a window has one pane, on time, and the reduce side merges accumulators and extracts
 * outputs. In a batch run any other trigger is lifted too, unless it counts elements ({@code
 * AfterPane} would count accumulators): the panes are ReduceFnRunner's, as for a GroupByKey, over
 * the partial accumulators, which merge into the pane's. A batch run's watermark stays at the start
 * of time until its whole input is in, so no element is behind it, and a batch's elements for a key
 * and window reach the pane together either way: the trigger fires the same panes with the same
 * timestamps. (In a streaming run an element behind the watermark holds nothing while one ahead of
 * it does, which a partial accumulator of both would change.) Otherwise every element is
 * shuffled and its pane keeps one accumulator (merged when windows merge) instead of the values a
 * GroupByKey would keep. Any other Combine.perKey is expanded (GroupByKey +
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

  /** How a Combine.perKey runs (see the class comment). */
  private enum Plan {
    /** Lifted; the reduce side merges accumulators into the one pane of each window. */
    LIFTED_ONE_PANE,
    /** Lifted (batch runs); the reduce side runs the trigger over partial accumulators. */
    LIFTED_TRIGGERED,
    /** Every element shuffled; its pane keeps one accumulator. */
    NOT_LIFTED
  }

  private static Plan plan(PCollection<?> input, TranslationContext context) {
    WindowingStrategy<?, ?> strategy = input.getWindowingStrategy();
    if (!strategy.getWindowFn().isNonMerging()) {
      return Plan.NOT_LIFTED;
    }
    boolean streaming = context.options().isStreaming();
    if (strategy.getTrigger() instanceof DefaultTrigger
        && (!streaming || strategy.getAllowedLateness().equals(org.joda.time.Duration.ZERO))) {
      return Plan.LIFTED_ONE_PANE;
    }
    return streaming || countsElements(strategy.getTrigger())
        ? Plan.NOT_LIFTED
        : Plan.LIFTED_TRIGGERED;
  }

  /** Whether the trigger, or one inside it, fires on a count of elements. */
  private static boolean countsElements(Trigger trigger) {
    return trigger instanceof AfterPane
        || trigger.subTriggers().stream().anyMatch(CombinePerKeyTranslator::countsElements);
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
    Combine.CombineFn<Object, Object, Object> combineFn =
        (Combine.CombineFn<Object, Object, Object>) perKey.getFn();
    Coder<Object> accumulatorCoder = accumulatorCoder(perKey, input, coder).orElseThrow();
    Plan plan = plan(input, context);
    if (plan == Plan.NOT_LIFTED) {
      GroupByKeyTranslator.groupByKeyAndWindow(
          transform,
          context,
          new GroupAlsoByWindowStep.Combining(
              AppliedCombineFn.withAccumulatorCoder(combineFn, accumulatorCoder)));
      return;
    }
    TupleTag<Object> partialTag = new TupleTag<>("partial");
    CombineSpec partial =
        new CombineSpec(
            name + "/Partial",
            combineFn,
            (Coder<Object>) coder.getKeyCoder(),
            accumulatorCoder,
            input.getWindowingStrategy(),
            partialTag);
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
    if (plan == Plan.LIFTED_TRIGGERED) {
      GroupByKeyTranslator.groupByKeyAndWindow(
          transform,
          accumulators,
          context,
          new GroupAlsoByWindowStep.Combining(
              AppliedCombineFn.withAccumulatorCoder(
                  new MergingAccumulators<>(combineFn), accumulatorCoder)));
      return;
    }
    CombineSpec merge =
        new CombineSpec(
            name,
            partial.combineFn(),
            partial.keyCoder(),
            partial.accumulatorCoder(),
            partial.windowingStrategy(),
            Translators.onlyOutputTag(transform));
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
