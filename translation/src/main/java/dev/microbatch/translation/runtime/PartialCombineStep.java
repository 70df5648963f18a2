package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.Closeable;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
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
  private final Map<WindowedKey, Accumulation> accumulations = new HashMap<>();

  public PartialCombineStep(CombineSpec spec, StepEnvironment environment) {
    this.spec = spec;
    this.output = environment.output(spec.output());
    this.metrics = new MetricsScope(environment.task().metrics(), spec.stepName());
    this.timestampCombiner = spec.windowingStrategy().getTimestampCombiner();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    WindowedValue<KV<Object, Object>> wv = (WindowedValue<KV<Object, Object>>) element;
    KV<Object, Object> kv = wv.getValue();
    KeyBytes key = new KeyBytes(CoderUtils.encodeToByteArray(spec.keyCoder(), kv.getKey()));
    try (Closeable scope = metrics.enter()) {
      for (BoundedWindow window : wv.getWindows()) {
        WindowedKey windowedKey = new WindowedKey(key, window);
        Accumulation acc = accumulations.get(windowedKey);
        if (acc == null) {
          acc =
              new Accumulation(
                  kv.getKey(),
                  spec.combineFn().createAccumulator(),
                  timestampCombiner.assign(window, wv.getTimestamp()));
          accumulations.put(windowedKey, acc);
        } else {
          acc.combineTimestamp(timestampCombiner, window, wv.getTimestamp());
        }
        acc.addInput(spec.combineFn(), kv.getValue());
      }
    }
  }

  @Override
  public void finish() throws Exception {
    try (Closeable scope = metrics.enter()) {
      for (Map.Entry<WindowedKey, Accumulation> e : accumulations.entrySet()) {
        Accumulation acc = e.getValue();
        Object compacted = spec.combineFn().compact(acc.accumulator);
        output.accept(
            WindowedValues.of(
                KV.of(acc.key, compacted), acc.timestamp, e.getKey().window(), PaneInfo.NO_FIRING));
      }
    }
    accumulations.clear();
  }
}
