package dev.microbatch.runner.dstream;

import static org.junit.Assert.assertEquals;

import dev.microbatch.runner.executor.LocalTaskExecutor;
import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.shuffle.KeyBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Test;

/**
 * A stage task runs on its own: it learns its input watermark from the partition it read, so it
 * never waits for the stage's other tasks; downstream of a shuffle every task sees the watermark of
 * all map tasks.
 */
public class PartitionWatermarksTest {

  private final LocalTaskExecutor executor = new LocalTaskExecutor(2, "watermarks-spec");

  @After
  public void close() {
    executor.close();
  }

  /**
   * Two lazy partitions whose watermarks (10 and 20) are only known once each has been read, as a
   * Kafka partition's or a source split's are.
   */
  private static final class TwoSplits extends InputDStream<String> {
    TwoSplits() {
      super("Read");
    }

    @Override
    protected BatchResult<String> compute(BatchContext batch) {
      Map<Integer, Instant> learnt = new ConcurrentHashMap<>();
      List<Partition<String>> partitions =
          List.of(
              sink -> {
                sink.accept("a");
                learnt.put(0, new Instant(10));
              },
              sink -> {
                sink.accept("b");
                learnt.put(1, new Instant(20));
              });
      return BatchResult.readLazily(
          partitions,
          index -> {
            Instant watermark = learnt.get(index);
            if (watermark == null) {
              throw new IllegalStateException("partition " + index + " asked before it was read");
            }
            return watermark;
          },
          () -> learnt.values().stream().min(Instant::compareTo).orElseThrow());
    }

    @Override
    protected boolean hasDeliveredEverything() {
      return false;
    }
  }

  /** Records the input watermark each task of the stage was given, by partition. */
  private static final class SeenWatermarks implements StageFunction {
    final Map<String, Instant> seen = new ConcurrentHashMap<>();

    @Override
    public int numOutputs() {
      return 1;
    }

    @Override
    public StageTask createTask(TaskContext context) {
      return new StageTask() {
        private String last = "";

        @Override
        public void process(Object element) throws Exception {
          last = element instanceof dev.microbatch.runner.shuffle.Keyed<?> keyed
              ? "keyed " + keyed.element()
              : String.valueOf(element);
          context.emit(0, element);
        }

        @Override
        public Instant advanceWatermark(Instant inputWatermark) {
          seen.put(last, inputWatermark);
          return inputWatermark;
        }
      };
    }
  }

  private BatchContext newBatch() {
    return BatchContext.standalone(new BatchTime(1000), executor);
  }

  @Test
  public void aTaskOverALazyInputSeesItsOwnPartitionsWatermarkAndTheStageTheMinimum()
      throws Exception {
    SeenWatermarks parse = new SeenWatermarks();
    FusedStageDStream stage = new FusedStageDStream("Parse", new TwoSplits(), List.of(), parse);

    BatchResult<?> result = newBatch().resultOf(stage);

    assertEquals(Map.of("a", new Instant(10), "b", new Instant(20)), parse.seen);
    assertEquals(new Instant(10), result.outputWatermark());
  }

  @Test
  public void everyTaskAfterAShuffleSeesTheWatermarkOfAllMapTasks() throws Exception {
    SeenWatermarks parse = new SeenWatermarks();
    SeenWatermarks count = new SeenWatermarks();
    FusedStageDStream first = new FusedStageDStream("Parse", new TwoSplits(), List.of(), parse);
    StageOutputDStream<String> parsed = new StageOutputDStream<>("Parse.out", first, 0);
    ShuffledDStream<String> shuffle =
        new ShuffledDStream<>(
            "Count/Shuffle", parsed, s -> new KeyBytes(s.getBytes(StandardCharsets.UTF_8)), 2);
    FusedStageDStream second = new FusedStageDStream("Count", shuffle, List.of(), count);

    newBatch().resultOf(second);

    // Both reduce tasks ran (one may have had no element) and saw the lower map task's watermark.
    assertEquals(2, count.seen.size());
    assertEquals(Set.of(new Instant(10)), Set.copyOf(count.seen.values()));
  }
}
