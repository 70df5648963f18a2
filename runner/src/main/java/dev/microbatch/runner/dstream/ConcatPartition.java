package dev.microbatch.runner.dstream;

import java.util.List;

/** A partition made of several partitions read one after another (shuffle blocks, unions). */
public record ConcatPartition<T>(List<? extends Partition<T>> parts) implements Partition<T> {

  @Override
  public void forEach(ElementSink<? super T> sink) throws Exception {
    for (Partition<T> part : parts) {
      part.forEach(sink);
    }
  }
}
