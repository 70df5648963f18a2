package dev.microbatch.io.kafka;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.io.kafka.CheckStopReadingFn;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The ends a read asks for besides offsets and record times: {@code withMaxReadTime} (batches that
 * start once that much wall-clock time has passed since the input's first batch read nothing) and
 * {@code withCheckStopReadingFn} (asked per partition as each batch fixes its slice; a partition it
 * stops stays stopped). The input is exhausted once every partition has stopped.
 */
final class StopConditions implements AutoCloseable {

  private final Optional<Duration> maxReadTime;
  private final Optional<CheckStopReadingFn> checkStopReading;
  private final Set<TopicPartition> stopped = new HashSet<>();
  private Optional<Instant> readUntil = Optional.empty();
  private boolean timeIsUp;
  private boolean setUp;

  StopConditions(Optional<Duration> maxReadTime, Optional<CheckStopReadingFn> checkStopReading) {
    this.maxReadTime = maxReadTime;
    this.checkStopReading = checkStopReading;
  }

  /** A batch fixes its slice at {@code now}: the read time, if any, starts or may be over. */
  void batchStarts(Instant now) {
    if (maxReadTime.isPresent()) {
      Instant until = readUntil.orElseGet(() -> now.plus(maxReadTime.get()));
      readUntil = Optional.of(until);
      timeIsUp |= !now.isBefore(until);
    }
  }

  /** Whether {@code partition} has stopped (without asking the read's function again). */
  boolean hasStopped(TopicPartition partition) {
    return timeIsUp || stopped.contains(partition);
  }

  /** Whether {@code partition} is read no more, from this batch on. */
  boolean stops(TopicPartition partition) {
    if (hasStopped(partition)) {
      return true;
    }
    if (checkStopReading.isPresent()) {
      CheckStopReadingFn check = checkStopReading.get();
      if (!setUp) {
        check.setup();
        setUp = true;
      }
      if (Boolean.TRUE.equals(check.apply(partition))) {
        stopped.add(partition);
        return true;
      }
    }
    return false;
  }

  /** Whether every one of {@code partitions} has stopped. */
  boolean allStopped(List<TopicPartition> partitions) {
    return timeIsUp || (!partitions.isEmpty() && stopped.containsAll(partitions));
  }

  @Override
  public void close() {
    if (setUp) {
      checkStopReading.ifPresent(CheckStopReadingFn::teardown);
      setUp = false;
    }
  }
}
