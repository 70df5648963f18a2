package dev.microbatch.io;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.Materialize;
import dev.microbatch.runner.dstream.RemoteReadable;
import dev.microbatch.runner.executor.LocalTaskExecutor;
import dev.microbatch.runner.scheduler.BatchTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.junit.After;
import org.junit.Test;

/**
 * A bounded source read whole in one batch makes one partition per task, and the batch's tasks
 * take its splits one at a time, each the next unread one whenever it has finished one: a task
 * held up on one split does not hold up the others.
 */
public class BoundedSourceInputDStreamTest {

  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();
  private final LocalTaskExecutor executor = new LocalTaskExecutor(2, "bounded-test");

  @After
  public void close() {
    executor.close();
  }

  private <T> List<List<T>> readByTask(BoundedSource<T> source) throws Exception {
    BoundedSourceInputDStream<T> input =
        new BoundedSourceInputDStream<>("Read", source, OPTIONS, 2, -1);
    BatchContext batch = BatchContext.standalone(new BatchTime(1000), executor);
    BatchResult<WindowedValue<T>> read =
        Materialize.inParallel(batch.resultOf(input), executor);
    List<List<T>> byTask = new ArrayList<>();
    for (int task = 0; task < read.numPartitions(); task++) {
      List<T> values = new ArrayList<>();
      read.partitions().get(task).forEach(value -> values.add(value.getValue()));
      byTask.add(values);
      assertEquals(
          "a task's partition brings nothing more once read",
          BoundedWindow.TIMESTAMP_MAX_VALUE,
          read.watermarkOf(task));
    }
    return byTask;
  }

  @Test
  public void theTasksBetweenThemReadEveryElementOnce() throws Exception {
    List<List<Long>> byTask = readByTask(CountingSource.upTo(10_000));

    assertEquals("one task per thread", 2, byTask.size());
    List<Long> all = new ArrayList<>();
    byTask.forEach(all::addAll);
    all.sort(Long::compare);
    assertEquals(LongStream.range(0, 10_000).boxed().toList(), all);
  }

  @Test
  public void aTaskHeldOnOneSplitLeavesTheOthersToTheOtherTask() throws Exception {
    List<List<Long>> byTask = readByTask(new HeldSource());

    // Split 0 held its task until the seven other splits were read: the other task read them.
    Set<List<Long>> expected = new HashSet<>();
    expected.add(HeldSource.elementsOf(0));
    List<Long> others = new ArrayList<>();
    for (int split = 1; split < HeldSource.SPLITS; split++) {
      others.addAll(HeldSource.elementsOf(split));
    }
    expected.add(others);
    Set<List<Long>> read = new HashSet<>();
    for (List<Long> task : byTask) {
      read.add(task.stream().sorted().toList());
    }
    assertEquals(expected, read);
  }

  @Test
  public void laterBatchesReadNothingAndGiveAClusterNothingToShip() throws Exception {
    BoundedSourceInputDStream<Long> input =
        new BoundedSourceInputDStream<>("Read", CountingSource.upTo(100), OPTIONS, 2, -1);
    Materialize.drain(
        BatchContext.standalone(new BatchTime(1000), executor).resultOf(input), executor);

    BatchResult<WindowedValue<Long>> later =
        BatchContext.standalone(new BatchTime(2000), executor).resultOf(input);

    assertEquals("as many partitions as in the first batch", 2, later.numPartitions());
    for (var partition : later.partitions()) {
      assertFalse(partition instanceof RemoteReadable);
    }
    assertEquals(List.of(), later.collect());
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, later.outputWatermark());
  }

  @Test
  public void aSourceLargerThanAMaximumSplitPerTaskIsSplitIntoMaximumSplits() throws Exception {
    SizedSource large = new SizedSource(200L << 20);
    SizedSource small = new SizedSource(1L << 20);

    readByTask(large);
    readByTask(small);

    assertEquals(BoundedSourceInputDStream.MAX_SPLIT_BYTES, large.askedFor.get());
    assertEquals("one split per task", (1L << 20) / 2, small.askedFor.get());
  }

  /** A source of one element, said to be {@code bytes} large, that remembers what it was asked. */
  private static final class SizedSource extends BoundedSource<Long> {
    private final long bytes;
    final AtomicLong askedFor = new AtomicLong();

    SizedSource(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public List<BoundedSource<Long>> split(long desiredBundleSizeBytes, PipelineOptions options) {
      askedFor.set(desiredBundleSizeBytes);
      return List.of(CountingSource.upTo(1));
    }

    @Override
    public long getEstimatedSizeBytes(PipelineOptions options) {
      return bytes;
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }

    @Override
    public BoundedReader<Long> createReader(PipelineOptions options) throws java.io.IOException {
      return CountingSource.upTo(1).createReader(options);
    }
  }

  /**
   * Eight splits of ten numbers each (split s holds 10s to 10s + 9), whose split 0 starts only once
   * the seven others have been read: read with each task's share fixed in advance, the task with
   * split 0 would hold its other splits, and split 0 would wait until its deadline.
   */
  private static final class HeldSource extends BoundedSource<Long> {
    static final int SPLITS = 8;
    private static final long DEADLINE_SECONDS = 60;

    private final int split;
    private final transient CountDownLatch othersRead;

    HeldSource() {
      this(-1, new CountDownLatch(SPLITS - 1));
    }

    private HeldSource(int split, CountDownLatch othersRead) {
      this.split = split;
      this.othersRead = othersRead;
    }

    static List<Long> elementsOf(int split) {
      return LongStream.range(split * 10L, split * 10L + 10).boxed().toList();
    }

    @Override
    public List<HeldSource> split(long desiredBundleSizeBytes, PipelineOptions options) {
      List<HeldSource> splits = new ArrayList<>();
      for (int s = 0; s < SPLITS; s++) {
        splits.add(new HeldSource(s, othersRead));
      }
      return splits;
    }

    @Override
    public long getEstimatedSizeBytes(PipelineOptions options) {
      return SPLITS * 10L * 8;
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }

    @Override
    public BoundedReader<Long> createReader(PipelineOptions options) {
      return new BoundedReader<>() {
        private final List<Long> elements = elementsOf(split);
        private int index = -1;

        @Override
        public boolean start() throws java.io.IOException {
          if (split == 0) {
            awaitOthers();
          }
          return advance();
        }

        private void awaitOthers() throws java.io.IOException {
          try {
            if (!othersRead.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
              throw new java.io.IOException(
                  "Split 0 waited "
                      + DEADLINE_SECONDS
                      + " s for the other splits to be read; "
                      + othersRead.getCount()
                      + " were not");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException(e);
          }
        }

        @Override
        public boolean advance() {
          return ++index < elements.size();
        }

        @Override
        public Long getCurrent() {
          if (index < 0 || index >= elements.size()) {
            throw new NoSuchElementException();
          }
          return elements.get(index);
        }

        @Override
        public BoundedSource<Long> getCurrentSource() {
          return HeldSource.this;
        }

        @Override
        public void close() {
          if (split > 0 && index >= elements.size()) {
            othersRead.countDown();
          }
        }
      };
    }
  }
}
