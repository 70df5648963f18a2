package dev.microbatch.runner.dstream;

/**
 * One partition of a batch's data for a DStream. It is consumed by exactly one task; a partition
 * may be materialized (held in memory) or lazy (read when the consuming task iterates it, so a
 * source's records flow straight into the first fused stage).
 */
public interface Partition<T> {

  /** Pushes every element of this partition to {@code sink}, in the calling thread. */
  void forEach(ElementSink<? super T> sink) throws Exception;

  /**
   * Whether the partition is held in memory for each of its readers (a result read by several
   * consumers is left as it is rather than read into a list).
   */
  default boolean materialized() {
    return false;
  }
}
