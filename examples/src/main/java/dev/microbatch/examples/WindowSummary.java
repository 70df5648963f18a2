package dev.microbatch.examples;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * What one window of the streaming word count saw: the count of each word and the arrival time
 * (timestamp) of its latest word, from which the output latency is measured.
 */
final class WindowSummary implements Serializable {

  final Map<String, Long> counts = new HashMap<>();
  long lastArrivalMillis = Long.MIN_VALUE;

  long totalWords() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  List<KV<String, Long>> top(int n) {
    List<KV<String, Long>> sorted = new ArrayList<>();
    counts.forEach((word, count) -> sorted.add(KV.of(word, count)));
    sorted.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    return sorted.subList(0, Math.min(n, sorted.size()));
  }

  /** Words (with their timestamps) in, one summary per window out. */
  static final class Fn
      extends Combine.CombineFn<TimestampedValue<String>, WindowSummary, WindowSummary> {
    @Override
    public WindowSummary createAccumulator() {
      return new WindowSummary();
    }

    @Override
    public WindowSummary addInput(WindowSummary summary, TimestampedValue<String> word) {
      summary.counts.merge(word.getValue(), 1L, Long::sum);
      summary.lastArrivalMillis =
          Math.max(summary.lastArrivalMillis, word.getTimestamp().getMillis());
      return summary;
    }

    @Override
    public WindowSummary mergeAccumulators(Iterable<WindowSummary> summaries) {
      WindowSummary merged = new WindowSummary();
      for (WindowSummary summary : summaries) {
        summary.counts.forEach((word, count) -> merged.counts.merge(word, count, Long::sum));
        merged.lastArrivalMillis = Math.max(merged.lastArrivalMillis, summary.lastArrivalMillis);
      }
      return merged;
    }

    @Override
    public WindowSummary extractOutput(WindowSummary summary) {
      return summary;
    }
  }
}
