package dev.microbatch.spark.plan;

import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.Partition;

/**
 * A partition that stayed on the executors: the driver records the stream's watermark and pending
 * work, never its elements.
 */
record RemotePartition<T>(String stream, int index) implements Partition<T> {

  @Override
  public void forEach(ElementSink<? super T> sink) {
    throw new IllegalStateException(
        "Partition " + index + " of " + stream + " lives on the cluster's executors");
  }
}
