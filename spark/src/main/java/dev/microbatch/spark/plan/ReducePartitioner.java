package dev.microbatch.spark.plan;

import org.apache.spark.Partitioner;

/**
 * Spark's partitioner for the engine's shuffles: the key of a block is already its reduce
 * partition, computed by the map task from the element's encoded key ({@code KeyBytes}), the same
 * function the local backend uses, so a key lands in the same partition on both.
 */
final class ReducePartitioner extends Partitioner {

  private final int partitions;

  ReducePartitioner(int partitions) {
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    return (Integer) key;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReducePartitioner that && that.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}
