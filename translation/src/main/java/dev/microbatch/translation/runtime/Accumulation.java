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

  /**
   * Combines the output time with another element's. Earliest and latest keep the element's own
   * timestamp, so they are a comparison; Beam's general form allocates per element.
   */
  void combineTimestamp(TimestampCombiner combiner, BoundedWindow window, Instant other) {
    switch (combiner) {
      case EARLIEST -> timestamp = other.isBefore(timestamp) ? other : timestamp;
      case LATEST -> timestamp = other.isAfter(timestamp) ? other : timestamp;
      default -> timestamp = combiner.combine(timestamp, combiner.assign(window, other));
    }
  }
}
