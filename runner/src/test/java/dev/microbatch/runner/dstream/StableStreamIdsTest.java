package dev.microbatch.runner.dstream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * A stream's id, under which checkpoints keep its state, is made of its kind and its (Beam) name
 * only: it survives a refactor of the engine's classes and a change in traversal order.
 */
public class StableStreamIdsTest {

  private static final class Lines extends InputDStream<String> {
    Lines(String name) {
      super(name);
    }

    @Override
    protected BatchResult<String> compute(BatchContext batch) {
      return BatchResult.of(List.of(), new Instant(0));
    }

    @Override
    protected boolean hasDeliveredEverything() {
      return true;
    }
  }

  private static final StageFunction NOTHING =
      new StageFunction() {
        @Override
        public int numOutputs() {
          return 1;
        }

        @Override
        public StageTask createTask(TaskContext context) {
          return element -> {};
        }
      };

  @Test
  public void idsAreKindAndBeamNameWhateverTheTraversalOrder() {
    Lines read = new Lines("Read lines");
    ShuffledDStream<String> shuffle =
        new ShuffledDStream<>(
            "Count/GroupByKey/Shuffle",
            read,
            line -> new KeyBytes(line.getBytes(StandardCharsets.UTF_8)),
            2);
    FusedStageDStream stage = new FusedStageDStream("Count/GroupByKey", shuffle, List.of(), NOTHING);
    StageOutputDStream<Object> out = new StageOutputDStream<>("Count.out", stage, 0);
    UnionDStream<Object> union = new UnionDStream<>("Flatten", List.of(out, out));

    List<String> expected =
        List.of(
            "input:Read lines",
            "shuffle:Count/GroupByKey/Shuffle",
            "stage:Count/GroupByKey",
            "stage-output:Count.out",
            "union:Flatten");
    for (List<DStream<?>> roots : List.<List<DStream<?>>>of(List.of(union), List.of(read, union))) {
      List<String> ids = List.copyOf(DStreamGraph.of(roots, 100).streamsById().keySet());
      assertEquals(expected.size(), ids.size());
      assertTrue(ids.toString(), ids.containsAll(expected));
    }
  }

  @Test
  public void twoStreamsWithOneIdAreRefused() {
    Lines one = new Lines("Read");
    Lines other = new Lines("Read");
    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () -> DStreamGraph.of(List.of(new UnionDStream<>("Flatten", List.of(one, other))), 100));
    assertTrue(error.getMessage(), error.getMessage().contains("input:Read"));
  }
}
