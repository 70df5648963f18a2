package dev.microbatch.sparkstreaming;

import java.io.Serializable;

/**
 * How often a word occurred in a window so far: the partial count of a batch, or the state kept
 * across batches. {@code closed}: the window has ended and is written in this batch, then
 * forgotten in the next.
 */
record WindowTally(long count, boolean closed) implements Serializable {

  static final WindowTally ONE = new WindowTally(1, false);

  WindowTally plus(WindowTally other) {
    return new WindowTally(count + other.count, false);
  }

  WindowTally close() {
    return new WindowTally(count, true);
  }
}
