package dev.microbatch.io;

import static org.junit.Assert.assertEquals;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.InputRecovery;
import dev.microbatch.runner.executor.LocalTaskExecutor;
import dev.microbatch.runner.scheduler.BatchTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.WindowedValue;
import org.junit.After;
import org.junit.Test;

/**
 * An unbounded source's position (its splits' checkpoint marks) and slice (records per split)
 * survive a checkpoint: a new input restored from a position continues where the old one stopped,
 * and a replayed slice reads the same records again.
 */
public class UnboundedSourceRecoveryTest {

  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();
  private final LocalTaskExecutor executor = new LocalTaskExecutor(2, "recovery-test");

  @After
  public void close() {
    executor.close();
  }

  /** Counting numbers from 0, in 2 splits, 10 records per split and batch. */
  private static UnboundedSourceInputDStream<Long> input() {
    return new UnboundedSourceInputDStream<>(
        "Count",
        CountingSource.unbounded(),
        OPTIONS,
        2,
        new ReadBounds(10, 10_000),
        SplitLimit.NONE);
  }

  private List<Long> batch(UnboundedSourceInputDStream<Long> input, long time) throws Exception {
    BatchContext batch = BatchContext.standalone(new BatchTime(time), executor);
    List<Long> values = new ArrayList<>();
    for (WindowedValue<Long> value : batch.resultOf(input).collect()) {
      values.add(value.getValue());
    }
    values.sort(Long::compare);
    return values;
  }

  private static InputRecovery recovery(UnboundedSourceInputDStream<Long> input) {
    return input.recovery().orElseThrow();
  }

  @Test
  public void aRestoredInputContinuesAfterTheCheckpointedMarks() throws Exception {
    UnboundedSourceInputDStream<Long> first = input();
    List<Long> firstBatch = batch(first, 1000);
    byte[] position = recovery(first).positionAfterBatch();

    UnboundedSourceInputDStream<Long> resumed = input();
    recovery(resumed).restorePosition(position);
    List<Long> next = batch(resumed, 2000);

    assertEquals(20, firstBatch.size());
    assertEquals(20, next.size());
    List<Long> all = new ArrayList<>(firstBatch);
    all.addAll(next);
    assertEquals("no number twice, none skipped", 40, all.stream().distinct().count());
    assertEquals(List.of(0L, 1L, 2L, 3L), firstBatch.subList(0, 4));
  }

  @Test
  public void aSplitsSliceIsKnownOnlyOnceItHasBeenRead() throws Exception {
    UnboundedSourceInputDStream<Long> input = input();
    batch(input, 1000);
    BatchContext second =
        BatchContext.standalone(new BatchTime(2000), executor);
    var result = second.resultOf(input); // slices fixed, nothing read yet
    byte[] unread = recovery(input).slice();
    result.collect();
    byte[] read = recovery(input).slice();

    java.io.DataInputStream before =
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(unread));
    java.io.DataInputStream after =
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(read));
    assertEquals(2, before.readInt());
    assertEquals(2, after.readInt());
    for (int split = 0; split < 2; split++) {
      assertEquals("not read yet", -1, before.readLong());
      assertEquals("read: 10 records", 10, after.readLong());
    }
  }

  @Test
  public void aReplayedSliceReadsTheSameRecordsAgain() throws Exception {
    UnboundedSourceInputDStream<Long> input = input();
    batch(input, 1000);
    byte[] position = recovery(input).positionAfterBatch();
    UnboundedSourceInputDStream<Long> resumed = input();
    recovery(resumed).restorePosition(position);

    List<Long> second = batch(resumed, 2000);
    byte[] slice = recovery(resumed).slice();
    recovery(resumed).replay(slice); // the batch failed: run it again
    List<Long> again = batch(resumed, 2000);

    assertEquals(second, again);
  }
}
