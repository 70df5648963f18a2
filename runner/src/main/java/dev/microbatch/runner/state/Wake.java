package dev.microbatch.runner.state;

import java.util.Optional;
import org.joda.time.Instant;

/**
 * When one key's state next needs its step: once the input watermark reaches {@code eventTime} or
 * processing time reaches {@code processingTime} (whichever comes first; empty is never), and the
 * time at which it holds the step's output watermark meanwhile ({@code hold}; empty holds nothing).
 */
public record Wake(
    Optional<Instant> eventTime, Optional<Instant> processingTime, Optional<Instant> hold) {

  private static final Instant BEGINNING = new Instant(Long.MIN_VALUE);

  /** Due at once, whatever the clocks say: a key with nothing pending, for its step to drop. */
  public static Wake now() {
    return new Wake(Optional.of(BEGINNING), Optional.empty(), Optional.empty());
  }

  boolean dueBy(Instant watermark, Instant now) {
    return eventTime.map(t -> !t.isAfter(watermark)).orElse(false)
        || processingTime.map(t -> !t.isAfter(now)).orElse(false);
  }
}
