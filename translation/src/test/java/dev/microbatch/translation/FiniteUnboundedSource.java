package dev.microbatch.translation;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Test fixture: an unbounded source of the longs {@code [0, count)} in {@code splits} splits (split
 * i has the numbers congruent to i), timestamped at their value in millis. Its watermark follows
 * the last record read and reaches the end of time when a split is done. Finalized checkpoint marks
 * are counted per {@code runId}.
 */
final class FiniteUnboundedSource extends UnboundedSource<Long, FiniteUnboundedSource.Mark> {

  /** Finalized marks by run id (sources are serializable, so the count lives outside them). */
  static final Map<String, AtomicInteger> FINALIZED = new ConcurrentHashMap<>();

  private final String runId;
  private final long count;
  private final int splits;
  private final int index;

  FiniteUnboundedSource(String runId, long count, int splits) {
    this(runId, count, splits, -1);
  }

  private FiniteUnboundedSource(String runId, long count, int splits, int index) {
    this.runId = runId;
    this.count = count;
    this.splits = splits;
    this.index = index;
  }

  @Override
  public List<FiniteUnboundedSource> split(int desiredNumSplits, PipelineOptions options) {
    List<FiniteUnboundedSource> parts = new ArrayList<>();
    for (int i = 0; i < splits; i++) {
      parts.add(new FiniteUnboundedSource(runId, count, splits, i));
    }
    return parts;
  }

  @Override
  public UnboundedReader<Long> createReader(PipelineOptions options, @Nullable Mark mark) {
    return new Reader(mark == null ? index : mark.next());
  }

  @Override
  public Coder<Mark> getCheckpointMarkCoder() {
    return SerializableCoder.of(Mark.class);
  }

  @Override
  public Coder<Long> getOutputCoder() {
    return VarLongCoder.of();
  }

  /** Where a split stands: the next number it will read. */
  record Mark(String runId, long next) implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {
      FINALIZED.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  private final class Reader extends UnboundedReader<Long> {
    private long next;
    private long current = -1;

    Reader(long next) {
      this.next = next;
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (next >= count) {
        return false;
      }
      current = next;
      next += splits;
      return true;
    }

    @Override
    public Long getCurrent() {
      if (current < 0) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      return new Instant(getCurrent());
    }

    @Override
    public Instant getWatermark() {
      return next >= count ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(Math.max(current, 0));
    }

    @Override
    public Mark getCheckpointMark() {
      return new Mark(runId, next);
    }

    @Override
    public UnboundedSource<Long, ?> getCurrentSource() {
      return FiniteUnboundedSource.this;
    }

    @Override
    public void close() throws IOException {}
  }
}
