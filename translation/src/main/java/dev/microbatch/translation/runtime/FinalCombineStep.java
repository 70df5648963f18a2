package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.Keyed;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.Wake;
import java.io.Closeable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.core.LateDataUtils;
import org.apache.beam.runners.core.metrics.CounterCell;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * The reduce side of a lifted Combine.perKey: merges the accumulators of each key and window in the
 * partition's state store (across batches) and, with the default trigger, emits a window's single
 * on-time pane once the input watermark passes the end of the window. An accumulator for a window
 * that has expired (the watermark of the last batch passed its end plus allowed lateness, which is
 * zero in a streaming run) is dropped, as a GroupByKey drops late elements; the {@code
 * droppedDueToLateness} counter then counts accumulators, each holding one or more elements.
 */
public final class FinalCombineStep implements Step {

  private final CombineSpec spec;
  private final Receiver output;
  private final MetricsScope metrics;
  private final TimestampCombiner timestampCombiner;
  private final KeyedStateStore<Map<BoundedWindow, Accumulation>> store;
  private final Instant lastInputWatermark;
  private final Instant processingTime;
  private final CounterCell droppedDueToLateness;

  public FinalCombineStep(CombineSpec spec, StepEnvironment environment) {
    this.spec = spec;
    this.output = environment.output(spec.output());
    this.metrics = environment.metricsScope(spec.stepName());
    this.timestampCombiner = spec.windowingStrategy().getTimestampCombiner();
    this.store = environment.task().stateStore(new AccumulationCodec(spec));
    store.schedule(FinalCombineStep::wakeOf);
    this.processingTime = environment.task().processingTime();
    this.lastInputWatermark = environment.task().lastInputWatermark();
    this.droppedDueToLateness =
        environment
            .task()
            .metrics()
            .getContainer(spec.stepName())
            .getCounter(GroupAlsoByWindowStep.DROPPED_DUE_TO_LATENESS);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    Keyed<WindowedValue<KV<Object, Object>>> keyed =
        (Keyed<WindowedValue<KV<Object, Object>>>) element;
    WindowedValue<KV<Object, Object>> wv = keyed.element();
    BoundedWindow window = wv.getWindows().iterator().next();
    if (LateDataUtils.garbageCollectionTime(window, spec.windowingStrategy())
        .isBefore(lastInputWatermark)) {
      droppedDueToLateness.inc();
      return;
    }
    Map<BoundedWindow, Accumulation> windows = store.getOrCreate(keyed.key(), k -> new HashMap<>());
    Accumulation acc = windows.get(window);
    try (Closeable scope = metrics.enter()) {
      if (acc == null) {
        windows.put(
            window,
            new Accumulation(wv.getValue().getKey(), wv.getValue().getValue(), wv.getTimestamp()));
      } else {
        acc.merge(spec.combineFn(), wv.getValue().getValue());
        acc.combineTimestamp(timestampCombiner, wv.getTimestamp());
      }
    }
  }

  /**
   * Emits the windows the watermark passed, visiting only the keys with such a window (or reached
   * this batch); the output watermark is held at the earliest timestamp of any pending window.
   */
  @Override
  public Instant advanceWatermark(Instant inputWatermark) throws Exception {
    try (Closeable scope = metrics.enter()) {
      for (KeyBytes key : store.due(inputWatermark, processingTime)) {
        Map<BoundedWindow, Accumulation> windows = store.get(key);
        if (windows == null) {
          continue;
        }
        Iterator<Map.Entry<BoundedWindow, Accumulation>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
          Map.Entry<BoundedWindow, Accumulation> e = it.next();
          BoundedWindow window = e.getKey();
          Accumulation acc = e.getValue();
          if (inputWatermark.isAfter(window.maxTimestamp())) {
            Object result = spec.combineFn().extractOutput(acc.accumulator);
            output.accept(
                WindowedValues.of(
                    KV.of(acc.key, result),
                    acc.timestamp,
                    window,
                    PaneInfo.createPane(true, true, PaneInfo.Timing.ON_TIME, 0, 0)));
            it.remove();
          }
        }
        if (windows.isEmpty()) {
          store.remove(key);
        }
      }
    }
    return store.earliestHold().filter(h -> h.isBefore(inputWatermark)).orElse(inputWatermark);
  }

  /**
   * A key is due when the watermark reaches the end of its earliest window, and holds the output
   * watermark at the earliest timestamp of its windows; a key with no windows left, at once.
   */
  private static Wake wakeOf(Map<BoundedWindow, Accumulation> windows) {
    if (windows.isEmpty()) {
      return Wake.now();
    }
    Instant end = null;
    Instant hold = null;
    for (Map.Entry<BoundedWindow, Accumulation> e : windows.entrySet()) {
      Instant windowEnd = e.getKey().maxTimestamp();
      end = end == null || windowEnd.isBefore(end) ? windowEnd : end;
      hold = hold == null || e.getValue().timestamp.isBefore(hold) ? e.getValue().timestamp : hold;
    }
    return new Wake(Optional.of(end), Optional.empty(), Optional.of(hold));
  }

  @Override
  public boolean hasPendingWork() {
    return store.size() > 0;
  }
}
