package dev.microbatch.runner.dstream;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The union of several streams (Beam's Flatten): the partitions of all parents side by side. The
 * same parent may appear twice, in which case its elements appear twice. With no parents it is
 * empty and its watermark is at the end of time.
 */
public final class UnionDStream<T> extends DStream<T> {

  private final List<DStream<T>> parents;

  public UnionDStream(String name, List<DStream<T>> parents) {
    super(name, parents);
    this.parents = List.copyOf(parents);
  }

  @Override
  protected String kind() {
    return "union";
  }

  /** The streams side by side, in order (one may appear twice). */
  public List<DStream<T>> parents() {
    return parents;
  }

  @Override
  protected BatchResult<T> compute(BatchContext batch) throws Exception {
    List<Partition<T>> partitions = new ArrayList<>();
    List<BatchResult<T>> results = new ArrayList<>();
    // For each partition of the union, the parent it comes from and its index there.
    List<BatchResult<T>> owners = new ArrayList<>();
    List<Integer> indexInOwner = new ArrayList<>();
    for (DStream<T> parent : parents) {
      BatchResult<T> result = batch.resultOf(parent);
      results.add(result);
      partitions.addAll(result.partitions());
      for (int i = 0; i < result.numPartitions(); i++) {
        owners.add(result);
        indexInOwner.add(i);
      }
    }
    return BatchResult.readLazily(
        partitions,
        index -> owners.get(index).watermarkOf(indexInOwner.get(index)),
        () -> {
          Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
          for (BatchResult<T> result : results) {
            Instant wm = result.outputWatermark();
            if (wm.isBefore(min)) {
              min = wm;
            }
          }
          return min;
        });
  }
}
