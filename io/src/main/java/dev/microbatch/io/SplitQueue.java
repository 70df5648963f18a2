package dev.microbatch.io;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The splits of one batch that reads a bounded source whole, handed out one at a time to whichever
 * task asks next, each exactly once.
 */
final class SplitQueue<T> {

  private final List<SplitReader<T>> splits;
  private final AtomicInteger next = new AtomicInteger();

  SplitQueue(List<SplitReader<T>> splits) {
    this.splits = List.copyOf(splits);
  }

  /** The next split not yet handed out and not yet read; empty once there is none. */
  Optional<SplitReader<T>> next() {
    int i;
    while ((i = next.getAndIncrement()) < splits.size()) {
      if (!splits.get(i).isDone()) {
        return Optional.of(splits.get(i));
      }
    }
    return Optional.empty();
  }
}
