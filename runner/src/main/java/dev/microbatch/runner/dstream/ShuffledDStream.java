package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.BlockWriter;
import dev.microbatch.runner.shuffle.ElementCoder;
import dev.microbatch.runner.shuffle.EncodedBlock;
import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.KeyExtractor;
import dev.microbatch.runner.shuffle.Keyed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A hash shuffle: every element of the parent goes to the partition of its encoded key. The number
 * of partitions is fixed for the life of the graph, so a key always lands in the same partition and
 * the keyed state of that partition can live across batches.
 *
 * <p>Map side: one task per parent partition writes one block per target partition. Reduce side: a
 * target partition reads its block of every map task. With an {@link ElementCoder} the blocks are
 * encoded, and a reduce partition hands its elements over grouped by key ({@link
 * KeyGroupedPartition}): a batch's shuffled data is then held as bytes, and a keyed step need not
 * hold its partition's elements until the last one is in. Without one, elements stay objects, in
 * the order the map tasks wrote them.
 */
public final class ShuffledDStream<T> extends DStream<Keyed<T>> {

  private final DStream<T> parent;
  private final KeyExtractor<T> keys;
  private final int numPartitions;
  private final Optional<ElementCoder<T>> coder;

  /** A shuffle whose blocks hold the elements as objects. */
  public ShuffledDStream(String name, DStream<T> parent, KeyExtractor<T> keys, int numPartitions) {
    this(name, parent, keys, numPartitions, Optional.empty());
  }

  /** A shuffle whose blocks hold the elements encoded with {@code coder}, if given. */
  public ShuffledDStream(
      String name,
      DStream<T> parent,
      KeyExtractor<T> keys,
      int numPartitions,
      Optional<ElementCoder<T>> coder) {
    super(name, List.of(parent));
    this.parent = parent;
    this.keys = keys;
    this.numPartitions = numPartitions;
    this.coder = coder;
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
    if (coder.isPresent()) {
      return encoded(batch, input, coder.get());
    }
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

  /**
   * A writer of this shuffle's blocks for one map task, for a stage task whose output this shuffle
   * alone reads; only for a shuffle with an element coder.
   */
  public BlockWriter<T> blockWriter() {
    return new BlockWriter<>(
        name(),
        keys,
        coder.orElseThrow(() -> new IllegalStateException(this + " keeps its elements as objects")),
        numPartitions);
  }

  /** Whether the blocks hold encoded elements (and stage tasks may write them). */
  public boolean encodes() {
    return coder.isPresent();
  }

  private BatchResult<Keyed<T>> encoded(
      BatchContext batch, BatchResult<T> input, ElementCoder<T> elementCoder) throws Exception {
    // A stage task may have written its output as this shuffle's blocks already: that is its map
    // side, with nothing left to run.
    List<Callable<List<EncodedBlock>>> mapTasks = new ArrayList<>();
    for (Partition<T> partition : input.partitions()) {
      if (partition instanceof ShuffleMapOutput<T> written && written.shuffle() == this) {
        mapTasks.add(written::blocks);
      } else {
        mapTasks.add(
            () -> {
              BlockWriter<T> writer = blockWriter();
              partition.forEach(writer::write);
              return writer.finish();
            });
      }
    }
    List<List<EncodedBlock>> blocksByMapTask = batch.executor().runAll(mapTasks);
    List<Partition<Keyed<T>>> partitions = new ArrayList<>(numPartitions);
    for (int target = 0; target < numPartitions; target++) {
      List<EncodedBlock> blocks = new ArrayList<>(blocksByMapTask.size());
      for (List<EncodedBlock> mapOutput : blocksByMapTask) {
        blocks.add(mapOutput.get(target));
      }
      partitions.add(new KeyGroupedPartition<>(blocks, elementCoder, input.watermark()));
    }
    return new BatchResult<>(partitions, input.watermark());
  }
}
