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
 * A bounded source. Read whole in the first batch (no per-batch record limit), it is split into
 * one split per task, or into splits of {@link #MAX_SPLIT_BYTES} if that makes more (as Spark caps
 * a file partition's bytes), and each of the batch's tasks takes the next unread split whenever it
 * has finished one (as Flink hands input splits to its readers): a task whose core other work
 * slows reads fewer splits instead of leaving the other cores idle at the end, while each task
 * still makes one bundle (one combine accumulator per key) of all it read. With a per-batch record
 * limit it is split into about one split per task, each split is one partition, and a split is
 * read over several batches from where it stopped. The watermark stays at the start of time until
 * every split is exhausted, then jumps to the end of time.
 */
public final class BoundedSourceInputDStream<T> extends InputDStream<WindowedValue<T>> {

  private static final Instant END = BoundedWindow.TIMESTAMP_MAX_VALUE;

  /**
   * The largest split of a source read whole, by the source's estimate: small enough that the
   * tasks end close together when cores run at different speeds (a split of text takes well under
   * a second to read and count), large enough that opening a split stays a small part of reading
   * it. Sources smaller than this per task are split one per task, as they always were.
   */
  static final long MAX_SPLIT_BYTES = 16L << 20;

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
    List<SplitReader<T>> readers = splits;
    if (maxRecordsPerBatch < 0) {
      // The same number of partitions in every batch (empty once all is read), so that
      // per-partition state downstream stays where it belongs.
      int count = Math.max(1, Math.min(parallelism, readers.size()));
      if (hasDeliveredEverything()) {
        // Read in an earlier batch: nothing for a cluster to ship.
        List<Partition<WindowedValue<T>>> empty = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          empty.add(sink -> {});
        }
        return BatchResult.readLazily(empty, index -> END, () -> END);
      }
      List<SplitTask> tasks = new ArrayList<>();
      SplitQueue<T> queue = new SplitQueue<>(readers);
      for (int i = 0; i < count; i++) {
        tasks.add(new SplitTask(batch, queue, shareOf(readers, i, count)));
      }
      return BatchResult.readLazily(
          List.copyOf(tasks),
          index -> tasks.get(index).finished() ? END : BoundedWindow.TIMESTAMP_MIN_VALUE,
          () -> isExhausted() ? END : BoundedWindow.TIMESTAMP_MIN_VALUE);
    }
    // One partition per split in every batch (empty once the split is done), so that partition i
    // is always the same split and per-partition state downstream stays where it belongs.
    List<Partition<WindowedValue<T>>> partitions = new ArrayList<>();
    for (SplitReader<T> split : readers) {
      partitions.add(sink -> read(batch, split, sink));
    }
    return BatchResult.readLazily(
        partitions,
        index -> readers.get(index).isDone() ? END : BoundedWindow.TIMESTAMP_MIN_VALUE,
        () -> isExhausted() ? END : BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** Splits {@code task}, {@code task + tasks}, ...: a task's share where tasks cannot share. */
  private static <T> List<SplitReader<T>> shareOf(
      List<SplitReader<T>> readers, int task, int tasks) {
    List<SplitReader<T>> share = new ArrayList<>();
    for (int i = task; i < readers.size(); i += tasks) {
      share.add(readers.get(i));
    }
    return share;
  }

  /**
   * A task of a batch reading the source whole. Read in this JVM, it takes the next unread split
   * from the batch's queue until none is left. A cluster backend may read it where it is consumed
   * instead (the splits need nothing from this JVM); there it reads its fixed share of the splits,
   * as the tasks of one batch are all read there or all here.
   */
  private final class SplitTask implements RemoteReadable<WindowedValue<T>> {
    private final BatchContext batch;
    private final SplitQueue<T> queue;
    private final List<SplitReader<T>> share;
    private volatile boolean finished;

    SplitTask(BatchContext batch, SplitQueue<T> queue, List<SplitReader<T>> share) {
      this.batch = batch;
      this.queue = queue;
      this.share = share;
    }

    /** True once the task has read all it will: its partition brings nothing more. */
    boolean finished() {
      return finished;
    }

    @Override
    public void forEach(ElementSink<? super WindowedValue<T>> sink) throws Exception {
      Optional<SplitReader<T>> next;
      while ((next = queue.next()).isPresent()) {
        read(batch, next.get(), sink);
      }
      finished = true;
    }

    @Override
    public RemoteRead<WindowedValue<T>> remoteRead() {
      List<BoundedSource<T>> unread = new ArrayList<>();
      for (SplitReader<T> split : share) {
        if (!split.isDone()) {
          unread.add(split.source());
        }
      }
      return new BoundedSplitRead<>(name(), unread, serializableOptions());
    }

    @Override
    public void readElsewhere(RemoteRead.Report report) {
      share.forEach(SplitReader::readElsewhere);
      finished = true;
      batch.addRecordsIn(name(), report.records());
      batch.addTaskMetrics(report.metrics());
    }
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
    if (maxRecordsPerBatch < 0) {
      bundleBytes = Math.min(bundleBytes, MAX_SPLIT_BYTES);
    }
    List<? extends BoundedSource<T>> split = source.split(bundleBytes, options);
    return split.isEmpty() ? List.of(source) : split;
  }

  /**
   * Checkpointable when the source is read in one batch (no --maxRecordsPerBatch): a re-run of that
   * batch splits and reads the source again; a resumed run whose checkpoint says it was read reads
   * nothing (in as many partitions as before, since the splits are made the same way).
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
