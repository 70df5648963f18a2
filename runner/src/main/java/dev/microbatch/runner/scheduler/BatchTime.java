package dev.microbatch.runner.scheduler;

import org.joda.time.Instant;

/**
 * The time of one micro-batch, its processing time: a multiple of the batch interval, but for a
 * streaming run's first batch, which runs at once at the time it starts.
 */
public record BatchTime(long millis) implements Comparable<BatchTime> {

  public BatchTime plus(long intervalMillis) {
    return new BatchTime(millis + intervalMillis);
  }

  public Instant toInstant() {
    return new Instant(millis);
  }

  @Override
  public int compareTo(BatchTime other) {
    return Long.compare(millis, other.millis);
  }

  @Override
  public String toString() {
    return millis + " ms";
  }
}
