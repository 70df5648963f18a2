package dev.microbatch.runner.dstream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.joda.time.Instant;

/**
 * What a DStream yields for one batch: its partitions, the watermark of each partition and of the
 * whole after the batch, and whether it holds work for a later batch.
 *
 * <p>Watermarks are functions because a lazy input only knows how far a partition got once that
 * partition has been read, and how far the whole got once all have been: ask for a partition's
 * watermark only after reading it, and for the whole's only after reading all. A task that reads one
 * partition of a lazy input therefore needs no other task's progress; downstream of a shuffle every
 * partition's watermark is the whole's, since every reduce partition reads a block of every map task.
 *
 * @param partitionWatermark a partition's watermark, by index, once that partition has been read
 * @param watermark the watermark of the whole, once every partition has been read
 * @param holdsPendingWork true when the stream keeps timers or elements that a later batch must see
 */
public record BatchResult<T>(
    List<Partition<T>> partitions,
    IntFunction<Instant> partitionWatermark,
    Supplier<Instant> watermark,
    boolean holdsPendingWork) {

  public BatchResult {
    partitions = List.copyOf(partitions);
  }

  /**
   * A result whose watermark follows another's (a shuffle's, a side input's, a stage output's): the
   * same for every partition, known once that other one's is.
   */
  public BatchResult(List<Partition<T>> partitions, Supplier<Instant> watermark) {
    this(partitions, partition -> watermark.get(), watermark, false);
  }

  /** A result whose watermark is known now. */
  public static <T> BatchResult<T> of(List<Partition<T>> partitions, Instant watermark) {
    return new BatchResult<>(partitions, () -> watermark);
  }

  /** A lazy input's result: each partition learns its own watermark by being read. */
  public static <T> BatchResult<T> readLazily(
      List<Partition<T>> partitions,
      IntFunction<Instant> partitionWatermark,
      Supplier<Instant> watermark) {
    return new BatchResult<>(partitions, partitionWatermark, watermark, false);
  }

  public BatchResult<T> withPendingWork(boolean pending) {
    return new BatchResult<>(partitions, partitionWatermark, watermark, pending);
  }

  /** The same watermarks over other partitions (the same data, read into memory). */
  BatchResult<T> withPartitions(List<Partition<T>> replaced) {
    return new BatchResult<>(replaced, partitionWatermark, watermark, holdsPendingWork);
  }

  public Instant outputWatermark() {
    return watermark.get();
  }

  /** The watermark of partition {@code index}, valid once that partition has been read. */
  public Instant watermarkOf(int index) {
    return partitionWatermark.apply(index);
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
