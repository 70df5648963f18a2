package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.KeyExtractor;
import dev.microbatch.runner.shuffle.Keyed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A hash shuffle: every element of the parent goes to the partition of its encoded key. The number
 * of partitions is fixed for the life of the graph, so a key always lands in the same partition and
 * the keyed state of that partition can live across batches.
 *
 * <p>Map side: one task per parent partition writes one block per target partition. Reduce side: a
 * target partition is the concatenation of its blocks, let go of as the reduce task reads them.
 * Values stay objects (one JVM).
 */
public final class ShuffledDStream<T> extends DStream<Keyed<T>> {

  private final DStream<T> parent;
  private final KeyExtractor<T> keys;
  private final int numPartitions;

  public ShuffledDStream(String name, DStream<T> parent, KeyExtractor<T> keys, int numPartitions) {
    super(name, List.of(parent));
    this.parent = parent;
    this.keys = keys;
    this.numPartitions = numPartitions;
  }

  @Override
  protected String kind() {
    return "shuffle";
  }

  public DStream<T> parent() {
    return parent;
  }

  public KeyExtractor<T> keys() {
    return keys;
  }

  /** The fixed number of reduce partitions. */
  public int numPartitions() {
    return numPartitions;
  }

  @Override
  protected BatchResult<Keyed<T>> compute(BatchContext batch) throws Exception {
    BatchResult<T> input = batch.resultOf(parent);
    List<Callable<List<List<Keyed<T>>>>> mapTasks = new ArrayList<>();
    for (Partition<T> partition : input.partitions()) {
      mapTasks.add(() -> writeBlocks(partition));
    }
    List<List<List<Keyed<T>>>> blocksByMapTask = batch.executor().runAll(mapTasks);
    List<Partition<Keyed<T>>> partitions = new ArrayList<>(numPartitions);
    for (int target = 0; target < numPartitions; target++) {
      List<SingleReadPartition<Keyed<T>>> blocks = new ArrayList<>(blocksByMapTask.size());
      for (List<List<Keyed<T>>> mapOutput : blocksByMapTask) {
        blocks.add(new SingleReadPartition<>(mapOutput.get(target)));
      }
      partitions.add(new ConcatPartition<>(blocks));
    }
    return new BatchResult<>(partitions, input.watermark());
  }

  private List<List<Keyed<T>>> writeBlocks(Partition<T> partition) throws Exception {
    List<List<Keyed<T>>> blocks = new ArrayList<>(numPartitions);
    for (int i = 0; i < numPartitions; i++) {
      blocks.add(new ArrayList<>());
    }
    partition.forEach(
        element -> {
          KeyBytes key = keys.keyOf(element);
          blocks.get(key.partition(numPartitions)).add(new Keyed<>(key, element));
        });
    return blocks;
  }
}
