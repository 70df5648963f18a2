package dev.microbatch.io;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.Partition;
import java.util.ArrayList;
import java.util.List;
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
    List<Partition<WindowedValue<T>>> partitions = new ArrayList<>(splits.size());
    for (UnboundedSplitReader<T> split : splits) {
      partitions.add(sink -> read(batch, split, sink));
    }
    return new BatchResult<>(partitions, this::watermark);
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
    split.pendingFinalization().ifPresent(mark -> batch.afterCommit(() -> split.committed(mark)));
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
