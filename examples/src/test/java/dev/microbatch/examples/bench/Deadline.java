package dev.microbatch.examples.bench;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The time limit of one benchmark run: a run past it fails, saying how far it got. */
record Deadline(long nanos, Duration limit, String what) {

  static Deadline after(Duration limit, String what) {
    return new Deadline(System.nanoTime() + limit.toNanos(), limit, what);
  }

  /** Throws if the limit has passed; {@code progress} says how far the run got. */
  void check(String progress) throws TimeoutException {
    if (System.nanoTime() - nanos > 0) {
      throw new TimeoutException(what + " did not finish within " + limit + ": " + progress);
    }
  }
}
