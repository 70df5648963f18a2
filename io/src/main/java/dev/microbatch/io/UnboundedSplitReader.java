package dev.microbatch.io;

import dev.microbatch.runner.dstream.ElementSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * The reader of one unbounded source split. It stays open between batches (each batch continues
 * where the last stopped) and closes when its watermark reaches the end of time, or when its {@link
 * SplitLimit} is reached (then its watermark jumps there). Sources that ask for deduplication have
 * records whose id was seen in the last {@link #DEDUP_WINDOW_MILLIS} of batch time dropped.
 */
final class UnboundedSplitReader<T> {

  /** How long a record id is remembered for deduplication, in batch time. */
  static final long DEDUP_WINDOW_MILLIS = 10 * 60 * 1000L;

  private final UnboundedSource<T, ?> source;
  private final PipelineOptions options;
  private final SplitLimit limit;
  private final Map<ByteBuffer, Long> seenIds = new LinkedHashMap<>();
  private long delivered;
  private long endMillis = Long.MAX_VALUE;
  private UnboundedSource.UnboundedReader<T> reader;
  private UnboundedSource.CheckpointMark pendingMark;
  private volatile UnboundedSource.CheckpointMark committedMark;
  private volatile Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  UnboundedSplitReader(UnboundedSource<T, ?> source, PipelineOptions options, SplitLimit limit) {
    this.source = source;
    this.options = options;
    this.limit = limit;
  }

  Instant watermark() {
    return watermark;
  }

  /**
   * Reads this batch's share into {@code sink} and returns how many records it delivered. The
   * checkpoint mark of the read is then available from {@link #pendingFinalization()}.
   */
  long read(ReadBounds bounds, long batchMillis, ElementSink<? super WindowedValue<T>> sink)
      throws Exception {
    pendingMark = null;
    if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      return 0;
    }
    long now = System.currentTimeMillis();
    if (endMillis == Long.MAX_VALUE && limit.maxReadTime().isPresent()) {
      endMillis = now + limit.maxReadTime().get().getMillis();
    }
    long deadline = Math.min(now + bounds.maxReadTimeMillis(), endMillis);
    long count = 0;
    try {
      boolean available = nextRecord(deadline);
      boolean dedup = source.requiresDeduping();
      while (available) {
        if (!dedup || firstSighting(reader.getCurrentRecordId(), batchMillis)) {
          sink.accept(
              WindowedValues.timestampedValueInGlobalWindow(
                  reader.getCurrent(), reader.getCurrentTimestamp()));
          count++;
          delivered++;
        }
        if (!bounds.allows(count)
            || delivered >= limit.maxRecords()
            || System.currentTimeMillis() >= deadline) {
          break;
        }
        available = nextRecord(deadline);
      }
      pendingMark = reader.getCheckpointMark();
      boolean limitReached =
          delivered >= limit.maxRecords() || System.currentTimeMillis() >= endMillis;
      watermark = limitReached ? BoundedWindow.TIMESTAMP_MAX_VALUE : reader.getWatermark();
      if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
        reader.close();
      }
    } catch (Exception e) {
      if (reader != null) {
        reader.close();
        reader = null;
      }
      throw e;
    }
    forgetOldIds(batchMillis);
    return count;
  }

  /**
   * Moves to the next record. An unbounded read takes "nothing available" as the end of the batch's
   * share; a bounded one polls with a growing pause until {@code deadline}.
   */
  private boolean nextRecord(long deadline) throws Exception {
    boolean available;
    if (reader == null) {
      reader = createReader();
      available = reader.start();
    } else {
      available = reader.advance();
    }
    long pause = 1;
    while (!available && limit.isBounded() && System.currentTimeMillis() < deadline) {
      Thread.sleep(Math.min(pause, Math.max(1, deadline - System.currentTimeMillis())));
      pause = Math.min(pause * 2, 50);
      available = reader.advance();
    }
    return available;
  }

  private boolean firstSighting(byte[] id, long batchMillis) {
    return seenIds.putIfAbsent(ByteBuffer.wrap(id), batchMillis) == null;
  }

  private void forgetOldIds(long batchMillis) {
    Iterator<Long> seenAt = seenIds.values().iterator();
    while (seenAt.hasNext() && seenAt.next() < batchMillis - DEDUP_WINDOW_MILLIS) {
      seenAt.remove();
    }
  }

  /** The checkpoint mark of the last read, to finalize once its batch has committed. */
  Optional<UnboundedSource.CheckpointMark> pendingFinalization() {
    return Optional.ofNullable(pendingMark);
  }

  /**
   * Called once the batch that read up to {@code mark} has committed: finalizes the mark, and a
   * reader that has to be created again (after a failed read) resumes from it.
   */
  void committed(UnboundedSource.CheckpointMark mark) throws IOException {
    committedMark = mark;
    mark.finalizeCheckpoint();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private UnboundedSource.UnboundedReader<T> createReader() throws IOException {
    return ((UnboundedSource) source).createReader(options, committedMark);
  }
}
