package dev.microbatch.io;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.InputRecovery;
import dev.microbatch.runner.dstream.Partition;
import dev.microbatch.runner.state.Frames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * An unbounded source, split once into about one split per task; each split is one partition in
 * every batch. A batch reads each split from where the previous batch stopped until the reader has
 * nothing available, or the batch's record or read-time bound is reached. The split's checkpoint
 * mark is taken at the end of the read and finalized only after the batch commits. The watermark is
 * the lowest of the splits' reader watermarks; the input is exhausted when all reach the end of
 * time.
 */
public final class UnboundedSourceInputDStream<T> extends InputDStream<WindowedValue<T>> {

  private final UnboundedSource<T, ?> source;
  private final PipelineOptions options;
  private final int parallelism;
  private final ReadBounds bounds;
  private final SplitLimit limit;
  private List<UnboundedSplitReader<T>> splits;
  private Optional<List<byte[]>> restoredPositions = Optional.empty();
  private Optional<List<Long>> replayCounts = Optional.empty();

  public UnboundedSourceInputDStream(
      String name,
      UnboundedSource<T, ?> source,
      PipelineOptions options,
      int parallelism,
      ReadBounds bounds,
      SplitLimit limit) {
    super(name);
    this.limit = limit;
    this.source = source;
    this.options = options;
    this.parallelism = parallelism;
    this.bounds = bounds;
  }

  @Override
  protected BatchResult<WindowedValue<T>> compute(BatchContext batch) throws Exception {
    if (splits == null) {
      splits = createSplits(batch);
    }
    applyRecovery();
    splits.forEach(UnboundedSplitReader::beginBatch);
    List<Partition<WindowedValue<T>>> partitions = new ArrayList<>(splits.size());
    for (UnboundedSplitReader<T> split : splits) {
      partitions.add(sink -> read(batch, split, sink));
    }
    List<UnboundedSplitReader<T>> readers = splits;
    return BatchResult.readLazily(
        partitions, index -> readers.get(index).watermark(), this::watermark);
  }

  private List<UnboundedSplitReader<T>> createSplits(BatchContext batch) throws Exception {
    return SourceMetrics.scoped(
        batch,
        name(),
        () -> {
          List<? extends UnboundedSource<T, ?>> parts = source.split(parallelism, options);
          List<? extends UnboundedSource<T, ?>> all = parts.isEmpty() ? List.of(source) : parts;
          List<UnboundedSplitReader<T>> readers = new ArrayList<>();
          for (int i = 0; i < all.size(); i++) {
            readers.add(
                new UnboundedSplitReader<>(all.get(i), options, limit.share(i, all.size())));
          }
          return readers;
        });
  }

  private void read(
      BatchContext batch, UnboundedSplitReader<T> split, ElementSink<? super WindowedValue<T>> sink)
      throws Exception {
    long count =
        SourceMetrics.scoped(batch, name(), () -> split.read(bounds, batch.time().millis(), sink));
    batch.addRecordsIn(name(), count);
    Optional<UnboundedSource.CheckpointMark> mark = split.pendingFinalization();
    if (mark.isPresent()) {
      batch.onCommit(() -> split.committed(mark.get()));
      batch.afterCommit(mark.get()::finalizeCheckpoint);
    }
  }

  /** Applies a restored position or a replay, once the splits exist (they are made lazily). */
  private void applyRecovery() throws IOException {
    if (restoredPositions.isPresent()) {
      List<byte[]> positions = restoredPositions.get();
      checkSplitCount(positions.size());
      for (int i = 0; i < positions.size(); i++) {
        splits.get(i).restore(positions.get(i));
      }
      restoredPositions = Optional.empty();
    }
    if (replayCounts.isPresent()) {
      List<Long> counts = replayCounts.get();
      checkSplitCount(counts.size());
      for (int i = 0; i < counts.size(); i++) {
        splits.get(i).replay(counts.get(i));
      }
      replayCounts = Optional.empty();
    }
  }

  private void checkSplitCount(int checkpointed) {
    if (checkpointed != splits.size()) {
      throw new IllegalStateException(
          "The checkpoint of "
              + name()
              + " has "
              + checkpointed
              + " source splits, the source now splits into "
              + splits.size());
    }
  }

  /**
   * A split's position is its reader's checkpoint mark (encoded with the source's mark coder); a
   * batch's slice is how many records each split read, re-read from the committed mark on a re-run.
   */
  @Override
  public Optional<InputRecovery> recovery() {
    return Optional.of(
        new InputRecovery() {
          @Override
          public byte[] positionAfterBatch() throws IOException {
            List<byte[]> positions = new ArrayList<>();
            for (UnboundedSplitReader<T> split : splits) {
              positions.add(split.positionAfterRead());
            }
            return Frames.encodeAll(positions);
          }

          @Override
          public void restorePosition(byte[] position) throws IOException {
            restoredPositions = Optional.of(Frames.decodeAll(position));
            if (splits != null) {
              applyRecovery();
              splits.forEach(UnboundedSplitReader::beginBatch);
            }
          }

          @Override
          public byte[] slice() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(splits.size());
            for (UnboundedSplitReader<T> split : splits) {
              out.writeLong(split.lastReadCount());
            }
            out.flush();
            return bytes.toByteArray();
          }

          @Override
          public void replay(byte[] slice) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(slice));
            int count = in.readInt();
            List<Long> counts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
              counts.add(in.readLong());
            }
            replayCounts = Optional.of(counts);
            if (splits != null) {
              applyRecovery();
              splits.forEach(UnboundedSplitReader::beginBatch);
            }
          }
        });
  }

  private Instant watermark() {
    Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (UnboundedSplitReader<T> split : splits) {
      if (split.watermark().isBefore(min)) {
        min = split.watermark();
      }
    }
    return min;
  }

  @Override
  protected boolean hasDeliveredEverything() {
    return splits != null && !watermark().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
  }
}
