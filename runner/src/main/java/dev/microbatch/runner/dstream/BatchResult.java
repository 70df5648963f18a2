package dev.microbatch.runner.dstream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.joda.time.Instant;

/**
 * What a DStream yields for one batch: its partitions and its output watermark after the batch.
 *
 * <p>The watermark is a supplier because a lazy input only knows how far it got once its partitions
 * have been read; ask for it only after the partitions were consumed.
 */
public record BatchResult<T>(List<Partition<T>> partitions, Supplier<Instant> watermark) {

  public BatchResult {
    partitions = List.copyOf(partitions);
  }

  public static <T> BatchResult<T> of(List<Partition<T>> partitions, Instant watermark) {
    return new BatchResult<>(partitions, () -> watermark);
  }

  public Instant outputWatermark() {
    return watermark.get();
  }

  public int numPartitions() {
    return partitions.size();
  }

  /** All elements of all partitions, read into one list (side inputs, views, tests). */
  public List<T> collect() throws Exception {
    List<T> all = new ArrayList<>();
    for (Partition<T> partition : partitions) {
      partition.forEach(all::add);
    }
    return all;
  }
}
