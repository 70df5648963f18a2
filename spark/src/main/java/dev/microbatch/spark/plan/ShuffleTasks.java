package dev.microbatch.spark.plan;

import dev.microbatch.runner.dstream.ElementsCodec;
import dev.microbatch.runner.shuffle.KeyExtractor;
import dev.microbatch.runner.shuffle.Keyed;
import dev.microbatch.spark.task.Chunk;
import dev.microbatch.spark.task.Chunks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.joda.time.Instant;
import scala.Tuple2;

/** The two sides of a shuffle on executors; elements cross only as their stream's coder bytes. */
final class ShuffleTasks {

  private ShuffleTasks() {}

  /** Splits a map task's chunk by reduce partition: one block for every reduce partition. */
  static Iterator<Tuple2<Integer, ShuffleBlock>> write(
      String shuffle,
      int mapTask,
      Iterator<Chunk> input,
      KeyExtractor<Object> keys,
      ElementsCodec<Object> codec,
      int partitions)
      throws Exception {
    Chunk chunk = Chunks.single(input, shuffle, mapTask);
    List<List<Object>> byTarget = new ArrayList<>(partitions);
    for (int i = 0; i < partitions; i++) {
      byTarget.add(new ArrayList<>());
    }
    for (Object element : chunk.elements()) {
      byTarget.get(keys.keyOf(element).partition(partitions)).add(element);
    }
    List<Tuple2<Integer, ShuffleBlock>> blocks = new ArrayList<>(partitions);
    for (int target = 0; target < partitions; target++) {
      blocks.add(
          new Tuple2<>(
              target,
              new ShuffleBlock(
                  mapTask, chunk.watermark().getMillis(), codec.encode(byTarget.get(target)))));
    }
    return blocks.iterator();
  }

  /**
   * A reduce partition: the elements of all its blocks with their keys, at the minimum watermark
   * of all map tasks ({@code noMapTasks} when there were none).
   */
  static Iterator<Chunk> read(
      Iterator<Tuple2<Integer, ShuffleBlock>> blocks,
      KeyExtractor<Object> keys,
      ElementsCodec<Object> codec,
      long noMapTasks)
      throws Exception {
    List<Object> elements = new ArrayList<>();
    long watermark = Long.MAX_VALUE;
    boolean any = false;
    while (blocks.hasNext()) {
      ShuffleBlock block = blocks.next()._2();
      any = true;
      watermark = Math.min(watermark, block.watermarkMillis());
      for (Object element : codec.decode(block.elements())) {
        elements.add(new Keyed<>(keys.keyOf(element), element));
      }
    }
    return List.of(new Chunk(elements, new Instant(any ? watermark : noMapTasks))).iterator();
  }
}
