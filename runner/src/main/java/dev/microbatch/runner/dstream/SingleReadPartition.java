package dev.microbatch.runner.dstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A materialized partition that its one reader empties as it reads: each element is let go of once
 * handed on, so a batch does not hold a stage's output or a shuffle's blocks after their consumer
 * has taken them (in batch mode, a whole input). Reading it twice is a bug and fails.
 *
 * @param <T> the element type
 */
public final class SingleReadPartition<T> implements Partition<T> {

  private final List<T> elements;
  private final AtomicBoolean read = new AtomicBoolean();

  /** Takes {@code elements}, a mutable list that nothing else reads afterwards. */
  public SingleReadPartition(List<T> elements) {
    this.elements = elements;
  }

  @Override
  public void forEach(ElementSink<? super T> sink) throws Exception {
    if (!read.compareAndSet(false, true)) {
      throw new IllegalStateException("A partition with one reader was read a second time");
    }
    for (int i = 0; i < elements.size(); i++) {
      T element = elements.set(i, null);
      sink.accept(element);
    }
    elements.clear();
  }
}
