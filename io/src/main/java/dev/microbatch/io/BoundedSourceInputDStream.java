package dev.microbatch.io;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.InputRecovery;
import dev.microbatch.runner.dstream.Partition;
import dev.microbatch.runner.dstream.RemoteRead;
import dev.microbatch.runner.dstream.RemoteReadable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A bounded source, split into about one split per task. Each split is one partition; with a
 * per-batch record limit a split is read over several batches from where it stopped, otherwise all
 * of it is read in the first batch. The watermark stays at the start of time until every split is
 * exhausted, then jumps to the end of time.
 */
public final class BoundedSourceInputDStream<T> extends InputDStream<WindowedValue<T>> {

  private static final Instant END = BoundedWindow.TIMESTAMP_MAX_VALUE;

  private final BoundedSource<T> source;
  private final PipelineOptions options;
  private final int parallelism;
  private final long maxRecordsPerBatch;
  private List<SplitReader<T>> splits;
  private SerializablePipelineOptions serializableOptions;
  private boolean readingInFlight;
  private boolean readBefore;
  private boolean restoredAsRead;

  public BoundedSourceInputDStream(
      String name,
      BoundedSource<T> source,
      PipelineOptions options,
      int parallelism,
      long maxRecordsPerBatch) {
    super(name);
    this.source = source;
    this.options = options;
    this.parallelism = parallelism;
    this.maxRecordsPerBatch = maxRecordsPerBatch;
  }

  @Override
  protected BatchResult<WindowedValue<T>> compute(BatchContext batch) throws Exception {
    readBefore = readBefore || readingInFlight;
    readingInFlight = splits == null && !restoredAsRead;
    if (splits == null) {
      splits =
          SourceMetrics.scoped(
              batch,
              name(),
              () -> {
                List<SplitReader<T>> readers = new ArrayList<>();
                for (BoundedSource<T> split : split()) {
                  readers.add(new SplitReader<>(split, options, restoredAsRead));
                }
                return readers;
              });
    }
    // One partition per split in every batch (empty once the split is done), so that partition i
    // is always the same split and per-partition state downstream stays where it belongs.
    List<Partition<WindowedValue<T>>> partitions = new ArrayList<>();
    for (SplitReader<T> split : splits) {
      partitions.add(partitionOf(batch, split));
    }
    List<SplitReader<T>> readers = splits;
    return BatchResult.readLazily(
        partitions,
        index -> readers.get(index).isDone() ? END : BoundedWindow.TIMESTAMP_MIN_VALUE,
        () -> isExhausted() ? END : BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /**
   * A split's partition of this batch. A split read whole in one batch (no record limit) needs
   * nothing from this JVM, so a cluster backend may read it where it is consumed; a split read
   * over several batches keeps its open reader here.
   */
  private Partition<WindowedValue<T>> partitionOf(BatchContext batch, SplitReader<T> split) {
    if (maxRecordsPerBatch >= 0 || split.isDone() || split.hasStarted()) {
      return sink -> read(batch, split, sink);
    }
    return new RemoteReadable<>() {
      @Override
      public void forEach(ElementSink<? super WindowedValue<T>> sink) throws Exception {
        read(batch, split, sink);
      }

      @Override
      public RemoteRead<WindowedValue<T>> remoteRead() {
        return new BoundedSplitRead<>(name(), split.source(), serializableOptions());
      }

      @Override
      public void readElsewhere(RemoteRead.Report report) {
        split.readElsewhere();
        batch.addRecordsIn(name(), report.records());
        batch.addTaskMetrics(report.metrics());
      }
    };
  }

  private SerializablePipelineOptions serializableOptions() {
    if (serializableOptions == null) {
      serializableOptions = new SerializablePipelineOptions(options);
    }
    return serializableOptions;
  }

  /** Reads a split's share of this batch, with the source's metrics under this step's name. */
  private void read(
      BatchContext batch, SplitReader<T> split, ElementSink<? super WindowedValue<T>> sink)
      throws Exception {
    long count = SourceMetrics.scoped(batch, name(), () -> split.read(maxRecordsPerBatch, sink));
    batch.addRecordsIn(name(), count);
  }

  private List<? extends BoundedSource<T>> split() throws Exception {
    long estimatedBytes = source.getEstimatedSizeBytes(options);
    long bundleBytes = Math.max(1, estimatedBytes / parallelism);
    List<? extends BoundedSource<T>> split = source.split(bundleBytes, options);
    return split.isEmpty() ? List.of(source) : split;
  }

  /**
   * Checkpointable when the source is read in one batch (no --maxRecordsPerBatch): a re-run of that
   * batch splits and reads the source again; a resumed run whose checkpoint says it was read reads
   * nothing (in one partition per split, as before, since the splits are made the same way).
   */
  @Override
  public Optional<InputRecovery> recovery() {
    if (maxRecordsPerBatch >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new ReadOnceRecovery(
            new ReadOnceRecovery.Target() {
              @Override
              public boolean deliversInFlight() {
                return readingInFlight;
              }

              @Override
              public boolean deliveredBefore() {
                return readBefore;
              }

              @Override
              public void restore(boolean delivered) {
                readBefore = delivered;
                readingInFlight = false;
                restoredAsRead = delivered;
                splits = null;
              }

              @Override
              public void deliverAgain() {
                splits = null;
                readingInFlight = false;
              }
            }));
  }

  @Override
  protected boolean hasDeliveredEverything() {
    if (splits == null) {
      return false;
    }
    for (SplitReader<T> split : splits) {
      if (!split.isDone()) {
        return false;
      }
    }
    return true;
  }
}
