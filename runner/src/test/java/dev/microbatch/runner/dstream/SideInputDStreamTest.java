package dev.microbatch.runner.dstream;

import static org.junit.Assert.assertEquals;

import dev.microbatch.runner.executor.LocalTaskExecutor;
import dev.microbatch.runner.scheduler.BatchTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.junit.After;
import org.junit.Test;

/** A side input's accumulated contents are part of a checkpoint. */
public class SideInputDStreamTest {

  private final LocalTaskExecutor executor = new LocalTaskExecutor(1, "side-input-test");

  @After
  public void close() {
    executor.close();
  }

  /** Yields the next list of words per batch. */
  private static final class Batches extends InputDStream<String> {
    private final Deque<List<String>> batches;

    Batches(List<List<String>> batches) {
      super("Words");
      this.batches = new ArrayDeque<>(batches);
    }

    @Override
    protected BatchResult<String> compute(BatchContext batch) {
      List<String> words = batches.isEmpty() ? List.of() : batches.poll();
      return BatchResult.of(List.of(new ListPartition<>(words)), BoundedWindow.TIMESTAMP_MIN_VALUE);
    }

    @Override
    protected boolean hasDeliveredEverything() {
      return batches.isEmpty();
    }
  }

  private static final ElementsCodec<String> WORDS = WordsCodec.INSTANCE;

  private List<String> batch(SideInputDStream<String> side, long time) throws Exception {
    BatchContext batch = BatchContext.standalone(new BatchTime(time), executor);
    return batch.resultOf(side).collect();
  }

  @Test
  public void aRestoredSideInputHoldsWhatTheCheckpointedOneHeld() throws Exception {
    SideInputDStream<String> first =
        new SideInputDStream<>(
            "View",
            new Batches(List.of(List.of("a", "b"), List.of("c"))),
            SideInputDStream.Retention.all(),
            WORDS);
    batch(first, 1000);
    byte[] snapshot = first.checkpointState().orElseThrow().snapshot();

    SideInputDStream<String> resumed =
        new SideInputDStream<>(
            "View", new Batches(List.of(List.of("c"))), SideInputDStream.Retention.all(), WORDS);
    resumed.checkpointState().orElseThrow().restore(snapshot);

    assertEquals(List.of("a", "b", "c"), batch(resumed, 2000));
  }

  @Test
  public void aResetSideInputForgetsAFailedBatchsElements() throws Exception {
    SideInputDStream<String> side =
        new SideInputDStream<>(
            "View",
            new Batches(List.of(List.of("a"), List.of("a"))),
            SideInputDStream.Retention.all(),
            WORDS);
    batch(side, 1000); // failed: re-run from the start
    side.checkpointState().orElseThrow().reset();

    assertEquals(List.of("a"), batch(side, 1000));
  }
}
