package dev.microbatch.translation.runtime;

import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;

/** One key's accumulator in one window, with the key object and the combined output time. */
final class Accumulation {

  final Object key;
  Object accumulator;
  Instant timestamp;

  Accumulation(Object key, Object accumulator, Instant timestamp) {
    this.key = key;
    this.accumulator = accumulator;
    this.timestamp = timestamp;
  }

  void addInput(CombineFn<Object, Object, Object> fn, Object input) {
    accumulator = fn.addInput(accumulator, input);
  }

  void merge(CombineFn<Object, Object, Object> fn, Object otherAccumulator) {
    accumulator = fn.mergeAccumulators(java.util.List.of(accumulator, otherAccumulator));
  }

  void combineTimestamp(TimestampCombiner combiner, BoundedWindow window, Instant other) {
    timestamp = combiner.combine(timestamp, combiner.assign(window, other));
  }
}
