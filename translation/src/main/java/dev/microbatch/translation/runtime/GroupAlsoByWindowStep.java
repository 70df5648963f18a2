package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.Keyed;
import dev.microbatch.runner.state.KeyedStateStore;
import java.io.Closeable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.runners.core.LateDataUtils;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.ReduceFnRunner;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.CounterCell;
import org.apache.beam.runners.core.triggers.ExecutableTriggerStateMachine;
import org.apache.beam.runners.core.triggers.TriggerStateMachines;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.construction.TriggerTranslation;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.ImmutableList;
import org.joda.time.Instant;

/**
 * The reduce side of GroupByKey (and of a Combine.perKey that is not lifted, or is lifted under a
 * trigger): groups each key's values by window with beam-runners-core's {@link ReduceFnRunner},
 * which implements every WindowFn (including merging ones), trigger, allowed lateness and
 * accumulation mode. At the batch boundary the timers that processing time made due fire first;
 * then a batch's values are handed to the runner per key at once, and the key's timers that the new
 * watermark made due fire (panes are emitted) until none is due.
 */
public final class GroupAlsoByWindowStep implements Step {

  /**
   * What the step needs; serializable.
   *
   * @param stepName the GroupByKey's (or Combine.perKey's) full name
   * @param windowingStrategy the input's windowing strategy
   * @param valueCoder coder of the input values (for the buffer state)
   * @param mainOutput the tag of the grouped output
   * @param options pipeline options
   * @param reduction what a pane holds and emits
   */
  public record Spec(
      String stepName,
      WindowingStrategy<?, ?> windowingStrategy,
      Coder<?> keyCoder,
      Coder<?> valueCoder,
      TupleTag<?> mainOutput,
      SerializablePipelineOptions options,
      Reduction reduction)
      implements Serializable {}

  /** What a key's panes hold and emit. */
  public sealed interface Reduction extends Serializable {

    /** The reduce function beam-runners-core runs the panes with. */
    SystemReduceFn<Object, Object, ?, Object, BoundedWindow> reduceFn(Spec spec);
  }

  /** GroupByKey: a pane holds its values and emits them all. */
  public record Grouping() implements Reduction {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public SystemReduceFn<Object, Object, ?, Object, BoundedWindow> reduceFn(Spec spec) {
      return (SystemReduceFn) SystemReduceFn.buffering((Coder<Object>) spec.valueCoder());
    }
  }

  /**
   * Combine.perKey whose panes ReduceFnRunner fires (merging windows, a trigger, lateness): a pane
   * holds one accumulator, which merges when windows merge, and emits the combined value; the same
   * panes as a GroupByKey followed by combining each pane's values, without keeping the values.
   * When the combiner is lifted, the values are partial accumulators ({@link
   * MergingAccumulators}).
   *
   * @param combineFn the CombineFn with its accumulator coder
   */
  public record Combining(AppliedCombineFn<?, ?, ?, ?> combineFn) implements Reduction {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public SystemReduceFn<Object, Object, ?, Object, BoundedWindow> reduceFn(Spec spec) {
      return SystemReduceFn.combining((Coder) spec.keyCoder(), (AppliedCombineFn) combineFn);
    }
  }

  /**
   * The runner's own watermark holds say how far output may advance (element holds, end-of-window
   * and garbage-collection holds); its timers do not hold, or every pane would wait for the end of
   * its allowed lateness.
   */
  private static final KeyedTimers.Hold HOLDS = state -> state.state().earliestHold();

  private final Spec spec;
  private final StepEnvironment environment;
  private final MetricsScope metrics;
  private final KeyedStateStore<KeyState> store;
  private final Receiver output;
  private final Map<KeyBytes, List<WindowedValue<Object>>> batchValues = new LinkedHashMap<>();
  private final SystemReduceFn<Object, Object, ?, Object, BoundedWindow> reduceFn;
  private final ExecutableTriggerStateMachine trigger;
  private final CounterCell droppedDueToLateness;
  private final Optional<Instant> keyGroupedWatermark;

  /** The counter of elements dropped for arriving after their window expired, in every step. */
  static final MetricName DROPPED_DUE_TO_LATENESS =
      MetricName.named(
          GroupAlsoByWindowStep.class, LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS);

  @SuppressWarnings("unchecked")
  public GroupAlsoByWindowStep(Spec spec, StepEnvironment environment) {
    this.spec = spec;
    this.environment = environment;
    this.metrics = environment.metricsScope(spec.stepName());
    this.store =
        environment
            .task()
            .stateStore(
                new KeyStateCodec(
                    spec.keyCoder(), spec.windowingStrategy().getWindowFn().windowCoder()));
    store.schedule(KeyedTimers.timetable(HOLDS));
    this.output = environment.output(spec.mainOutput());
    this.droppedDueToLateness =
        environment
            .task()
            .metrics()
            .getContainer(spec.stepName())
            .getCounter(DROPPED_DUE_TO_LATENESS);
    this.keyGroupedWatermark = environment.keyGroupedInputWatermark();
    this.reduceFn = spec.reduction().reduceFn(spec);
    this.trigger =
        ExecutableTriggerStateMachine.create(
            TriggerStateMachines.stateMachineForTrigger(
                TriggerTranslation.toProto(spec.windowingStrategy().getTrigger())));
  }

  /**
   * With input grouped by key, how many of a key's values are held before they are added to its
   * panes: a key's group can be much of a batch, and held decoded until the group ends, every young
   * collection would copy it (panes hold what they buffer encoded, see {@link EncodedBag}).
   */
  public static final int GROUPED_CHUNK = 1_000;

  /**
   * Adds an element to its key's values for this batch. When the input comes grouped by key with
   * its watermark known, a key's values are added to its panes every {@link #GROUPED_CHUNK}, and
   * the key is finished (the rest added, what is due fired) as soon as the next key's group begins,
   * so the step holds a chunk of one key's values at a time.
   */
  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    Keyed<WindowedValue<KV<Object, Object>>> keyed =
        (Keyed<WindowedValue<KV<Object, Object>>>) element;
    WindowedValue<KV<Object, Object>> wv = keyed.element();
    List<WindowedValue<Object>> values = batchValues.get(keyed.key());
    if (values == null) {
      // A key's first element of the batch: with grouped input, the key before it is complete.
      if (keyGroupedWatermark.isPresent()) {
        finishGroupedKeys(keyGroupedWatermark.get());
      }
      values = new ArrayList<>();
      batchValues.put(keyed.key(), values);
      store.getOrCreate(keyed.key(), k -> new KeyState(wv.getValue().getKey()));
    }
    values.add(wv.withValue(wv.getValue().getValue()));
    if (keyGroupedWatermark.isPresent() && values.size() == GROUPED_CHUNK) {
      addToPanes(keyed.key(), values);
      values.clear();
    }
  }

  /**
   * Adds some of a key's values to its panes before its group ends. Only what the values themselves
   * trigger (element counts) fires now; what the watermark makes due waits for the whole group.
   */
  private void addToPanes(KeyBytes key, List<WindowedValue<Object>> values) throws Exception {
    KeyState state = store.get(key);
    try (Closeable scope = metrics.enter()) {
      ReduceFnRunner<Object, Object, Object, BoundedWindow> runner = runnerFor(state);
      addElements(runner, state, values);
      runner.persist();
    }
  }

  /** Adds {@code values} to the key's panes; late ones, against the last watermark, are dropped. */
  private void addElements(
      ReduceFnRunner<Object, Object, Object, BoundedWindow> runner,
      KeyState state,
      List<WindowedValue<Object>> values)
      throws Exception {
    KeyedTimers.advance(
        state.timers(),
        environment.task().lastInputWatermark(),
        environment.task().processingTime());
    // The filter is lazy and the runner iterates more than once: count drops once.
    runner.processElements(
        ImmutableList.copyOf(
            LateDataUtils.dropExpiredWindows(
                state.key(),
                values,
                state.timers(),
                spec.windowingStrategy(),
                droppedDueToLateness)));
  }

  /** Finishes the key whose group has ended, if any, at the batch's input watermark. */
  private void finishGroupedKeys(Instant watermark) throws Exception {
    if (!batchValues.isEmpty()) {
      try (Closeable scope = metrics.enter()) {
        // Holds are asked for once, when the watermark advances: with RocksDB, each ask is a seek.
        KeyedTimers.visit(store, List.copyOf(batchValues.keySet()), keyWork(watermark, true));
      }
    }
  }

  /**
   * The batch boundary: processing time has moved to this batch's time, so what became due fires
   * before this batch's elements are added to their panes.
   */
  @Override
  public void start() throws Exception {
    forEachKey(environment.task().lastInputWatermark(), false);
  }

  /**
   * Adds each key's elements to its panes (late ones, against the watermark of the last batch, are
   * dropped and counted), then advances the key to the new watermark and fires what is due.
   */
  @Override
  public Instant advanceWatermark(Instant inputWatermark) throws Exception {
    return forEachKey(inputWatermark, true);
  }

  /**
   * For every key: adds this batch's elements to its panes if {@code withElements}, then fires what
   * {@code watermark} and this batch's processing time made due; returns the output watermark.
   */
  private Instant forEachKey(Instant watermark, boolean withElements) throws Exception {
    try (Closeable scope = metrics.enter()) {
      return KeyedTimers.forEachKey(
          store,
          withElements ? List.copyOf(batchValues.keySet()) : List.of(),
          watermark,
          environment.task().processingTime(),
          keyWork(watermark, withElements));
    }
  }

  /** A key's work: its elements into its panes if {@code withElements}, then what is due. */
  private KeyedTimers.KeyWork keyWork(Instant watermark, boolean withElements) {
    Instant processingTime = environment.task().processingTime();
    return (key, state) -> {
      ReduceFnRunner<Object, Object, Object, BoundedWindow> runner = runnerFor(state);
      List<WindowedValue<Object>> values = withElements ? batchValues.remove(key) : null;
      if (values != null) {
        addElements(runner, state, values);
      }
      KeyedTimers.fireDue(
          state, watermark, processingTime, timer -> runner.onTimers(List.of(timer)));
      runner.persist();
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ReduceFnRunner<Object, Object, Object, BoundedWindow> runnerFor(KeyState state) {
    WindowingStrategy<?, BoundedWindow> strategy =
        (WindowingStrategy<?, BoundedWindow>) spec.windowingStrategy();
    return new ReduceFnRunner<>(
        state.key(),
        strategy,
        trigger,
        state.state(),
        state.timers(),
        grouped -> output.accept(grouped),
        NullSideInputReader.empty(),
        (SystemReduceFn) reduceFn,
        spec.options().get());
  }

  @Override
  public boolean hasPendingWork() {
    return store.size() > 0;
  }
}
