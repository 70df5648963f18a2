package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.EncodedBlock;
import java.util.List;

/**
 * A stage task's output that the task wrote straight into the blocks of the one shuffle that reads
 * it (the map side of that shuffle, done by the task that produced the elements), so that the
 * output is never held as objects. Only that shuffle reads it.
 *
 * @param shuffle the shuffle the blocks were written for
 * @param blocks one block per partition of that shuffle
 */
public record ShuffleMapOutput<T>(ShuffledDStream<?> shuffle, List<EncodedBlock> blocks)
    implements Partition<T> {

  public ShuffleMapOutput {
    blocks = List.copyOf(blocks);
  }

  @Override
  public void forEach(ElementSink<? super T> sink) {
    throw new IllegalStateException(
        "Written as the map side of " + shuffle + ", which alone reads it; read as elements");
  }
}
