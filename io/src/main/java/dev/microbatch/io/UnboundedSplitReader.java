package dev.microbatch.io;

import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.state.Frames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.Coder;
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
  private long lastReadCount;
  private long replayCount = -1;

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
    lastReadCount = 0;
    if (replayCount >= 0) {
      return replay(sink);
    }
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
    lastReadCount = count;
    return count;
  }

  /**
   * Re-reads a batch's share: exactly the number of records it had read, from the committed mark (a
   * deterministic source yields the same records), waiting for them up to a minute.
   */
  private long replay(ElementSink<? super WindowedValue<T>> sink) throws Exception {
    long target = replayCount;
    long deadline = System.currentTimeMillis() + 60_000;
    long count = 0;
    try {
      while (count < target) {
        boolean available = reader == null ? (reader = createReader()).start() : reader.advance();
        long pause = 1;
        while (!available && System.currentTimeMillis() < deadline) {
          Thread.sleep(pause);
          pause = Math.min(pause * 2, 50);
          available = reader.advance();
        }
        if (!available) {
          throw new IllegalStateException(
              "Re-running a batch: the source delivered "
                  + count
                  + " of the "
                  + target
                  + " records the batch had read");
        }
        sink.accept(
            WindowedValues.timestampedValueInGlobalWindow(
                reader.getCurrent(), reader.getCurrentTimestamp()));
        count++;
        delivered++;
      }
      pendingMark = reader == null ? committedMark : reader.getCheckpointMark();
      watermark = reader == null ? watermark : reader.getWatermark();
    } catch (Exception e) {
      if (reader != null) {
        reader.close();
        reader = null;
      }
      throw e;
    }
    replayCount = -1;
    lastReadCount = count;
    return count;
  }

  /** Records the read in flight delivered (a batch's slice of this split); -1 before it read. */
  long lastReadCount() {
    return lastReadCount;
  }

  /** A batch starts: until this split has read, its slice is "whatever the next read reads". */
  void beginBatch() {
    lastReadCount = -1;
  }

  /**
   * The next read re-reads {@code count} records from the committed mark (-1: reads afresh from it,
   * as the batch had not read yet): the reader is recreated from the mark, since it may have moved
   * on in a failed read.
   */
  void replay(long count) throws IOException {
    closeReader();
    replayCount = count;
  }

  /** Where this split stands once the read in flight commits: its mark and records delivered. */
  byte[] positionAfterRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(delivered);
    UnboundedSource.CheckpointMark mark = pendingMark != null ? pendingMark : committedMark;
    out.writeBoolean(mark != null);
    if (mark != null) {
      Frames.writeValue(out, markCoder(), mark);
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** Continues from a checkpointed position: the reader is created from its mark. */
  void restore(byte[] position) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(position));
    delivered = in.readLong();
    closeReader();
    committedMark = null;
    if (in.readBoolean()) {
      committedMark = Frames.readValue(in, markCoder());
    }
    watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  }

  /** Closes the reader at the end of the run. */
  void close() throws IOException {
    closeReader();
  }

  private void closeReader() throws IOException {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }

  @SuppressWarnings("unchecked")
  private Coder<UnboundedSource.CheckpointMark> markCoder() {
    return (Coder<UnboundedSource.CheckpointMark>) source.getCheckpointMarkCoder();
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
  /**
   * The batch that read up to {@code mark} committed: later reads, and replays, go on from it. The
   * mark is finalized separately, once the batch is durable.
   */
  void committed(UnboundedSource.CheckpointMark mark) {
    committedMark = mark;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private UnboundedSource.UnboundedReader<T> createReader() throws IOException {
    return ((UnboundedSource) source).createReader(options, committedMark);
  }
}
