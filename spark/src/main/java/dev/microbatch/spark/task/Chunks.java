package dev.microbatch.spark.task;

import java.util.Iterator;

/** Every Spark partition of a stream holds exactly one chunk; anything else is an engine bug. */
public final class Chunks {

  private Chunks() {}

  public static <C> C single(Iterator<C> partition, String stream, int index) {
    if (!partition.hasNext()) {
      throw new IllegalStateException("Partition " + index + " of " + stream + " has no chunk");
    }
    C chunk = partition.next();
    if (partition.hasNext()) {
      throw new IllegalStateException(
          "Partition " + index + " of " + stream + " has more than one chunk");
    }
    return chunk;
  }
}
