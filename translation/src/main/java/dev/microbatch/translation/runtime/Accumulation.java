package dev.microbatch.translation.runtime;

import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;

/** One key's accumulator in one window, with the key object and the combined output time. */
class Accumulation {

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
   * Combines the output time with another element's or accumulation's in the same window: the
   * earlier or the later of the two; at the end of the window it stays the window's end, set when
   * the accumulation began. A comparison, where Beam's general form allocates per call.
   */
  void combineTimestamp(TimestampCombiner combiner, Instant other) {
    timestamp =
        switch (combiner) {
          case EARLIEST -> other.isBefore(timestamp) ? other : timestamp;
          case LATEST -> other.isAfter(timestamp) ? other : timestamp;
          case END_OF_WINDOW -> timestamp;
        };
  }
}
