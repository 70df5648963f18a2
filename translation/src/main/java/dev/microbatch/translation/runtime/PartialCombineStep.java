package dev.microbatch.translation.runtime;

import java.io.Closeable;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * The map side of a lifted Combine.perKey: accumulates each key and window within the task and
 * emits one accumulator per key and window when the bundle finishes, so that only accumulators
 * cross the shuffle.
 */
public final class PartialCombineStep implements Step {

  private final CombineSpec spec;
  private final Receiver output;
  private final MetricsScope metrics;
  private final TimestampCombiner timestampCombiner;
  /**
   * Accumulations by window, then by the key's structural value: most elements share a window with
   * the one before (the global window, or a fixed window most of a batch falls into), so a lookup is
   * one hash of the key, as a hand-written count would do.
   */
  private final Map<BoundedWindow, AccumulationTable> accumulations = new HashMap<>();

  private BoundedWindow lastWindow;
  private AccumulationTable lastWindowAccumulations;

  public PartialCombineStep(CombineSpec spec, StepEnvironment environment) {
    this.spec = spec;
    this.output = environment.output(spec.output());
    this.metrics = environment.metricsScope(spec.stepName());
    this.timestampCombiner = spec.windowingStrategy().getTimestampCombiner();
  }

  @Override
  public void process(Object element) throws Exception {
    WindowedValue<?> wv = (WindowedValue<?>) element;
    processLike(wv.getValue(), wv);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processLike(Object value, WindowedValue<?> windowing) throws Exception {
    KV<Object, Object> kv = (KV<Object, Object>) value;
    // Equal exactly when the encodings are; the key itself for most coders (no encoding).
    Object key = spec.keyCoder().structuralValue(kv.getKey());
    try (Closeable scope = metrics.enter()) {
      for (BoundedWindow window : windowing.getWindows()) {
        AccumulationTable inWindow = accumulationsIn(window);
        Accumulation acc = inWindow.get(key);
        if (acc == null) {
          acc =
              inWindow.begin(
                  key,
                  kv.getKey(),
                  spec.combineFn().createAccumulator(),
                  timestampCombiner.assign(window, windowing.getTimestamp()));
        } else {
          acc.combineTimestamp(timestampCombiner, windowing.getTimestamp());
        }
        acc.addInput(spec.combineFn(), kv.getValue());
      }
    }
  }

  private AccumulationTable accumulationsIn(BoundedWindow window) {
    if (window != lastWindow) {
      lastWindowAccumulations = accumulations.computeIfAbsent(window, w -> new AccumulationTable());
      lastWindow = window;
    }
    return lastWindowAccumulations;
  }

  @Override
  public void finish() throws Exception {
    try (Closeable scope = metrics.enter()) {
      for (Map.Entry<BoundedWindow, AccumulationTable> inWindow : accumulations.entrySet()) {
        BoundedWindow window = inWindow.getKey();
        for (Accumulation acc : inWindow.getValue()) {
          Object compacted = spec.combineFn().compact(acc.accumulator);
          KV<Object, Object> kv = KV.of(acc.key, compacted);
          output.accept(WindowedValues.of(kv, acc.timestamp, window, PaneInfo.NO_FIRING));
        }
      }
    }
    accumulations.clear();
    lastWindow = null;
    lastWindowAccumulations = null;
  }
}
