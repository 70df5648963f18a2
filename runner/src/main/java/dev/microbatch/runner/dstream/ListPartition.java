package dev.microbatch.runner.dstream;

import java.util.List;

/** A materialized partition. */
public record ListPartition<T>(List<T> elements) implements Partition<T> {

  @Override
  public void forEach(ElementSink<? super T> sink) throws Exception {
    for (T element : elements) {
      sink.accept(element);
    }
  }

  @Override
  public boolean materialized() {
    return true;
  }
}
