package dev.microbatch.io;

import dev.microbatch.runner.dstream.ElementSink;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/** The reader of one split; it stays open between batches when a batch limit stops it. */
final class SplitReader<T> {
  private final BoundedSource<T> source;
  private final PipelineOptions options;
  private BoundedSource.BoundedReader<T> reader;
  private boolean hasCurrent;
  private volatile boolean done;

  SplitReader(BoundedSource<T> source, PipelineOptions options, boolean done) {
    this.source = source;
    this.options = options;
    this.done = done;
  }

  boolean isDone() {
    return done;
  }

  BoundedSource<T> source() {
    return source;
  }

  /** The whole split was read elsewhere (a cluster's executor): nothing is left to read here. */
  void readElsewhere() {
    done = true;
  }

  /** Reads up to {@code limit} records (all if negative) into {@code sink}; returns the count. */
  long read(long limit, ElementSink<? super WindowedValue<T>> sink) throws Exception {
    if (done) {
      return 0;
    }
    long count = 0;
    try {
      if (reader == null) {
        reader = source.createReader(options);
        hasCurrent = reader.start();
      }
      while (hasCurrent && (limit < 0 || count < limit)) {
        T value = reader.getCurrent();
        Instant timestamp = reader.getCurrentTimestamp();
        sink.accept(WindowedValues.timestampedValueInGlobalWindow(value, timestamp));
        count++;
        hasCurrent = reader.advance();
      }
      if (!hasCurrent) {
        done = true;
        reader.close();
      }
    } catch (Exception e) {
      if (reader != null) {
        reader.close();
      }
      done = true;
      throw e;
    }
    return count;
  }
}
