package dev.microbatch.io.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;

/**
 * Where each partition stops under {@code withStopReadTime}: at the first offset whose record's
 * timestamp is at or after the stop time (what {@code offsetsForTimes} finds), so a later record
 * with an earlier timestamp is not read either. A partition without such a record yet is asked
 * again each batch; once the stop time has passed, it stops at its end offset as of a moment after
 * the stop time, since anything appended later is stamped later. Without a stop time nothing stops.
 */
final class StopOffsets {

  private final Optional<Instant> stopTime;
  private final Map<TopicPartition, Long> stops = new HashMap<>();

  StopOffsets(Optional<Instant> stopTime) {
    this.stopTime = stopTime;
  }

  /**
   * Finds the stop offsets of {@code partitions} that have none yet.
   *
   * @param ends the partitions' end offsets, asked for at {@code endsAskedAt} or later
   */
  void resolve(
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> ends,
      Instant endsAskedAt,
      KafkaMetadata metadata)
      throws InterruptedException {
    if (stopTime.isEmpty()) {
      return;
    }
    long stop = stopTime.get().getMillis();
    Map<TopicPartition, Long> unresolved = new HashMap<>();
    for (TopicPartition partition : partitions) {
      if (!stops.containsKey(partition)) {
        unresolved.put(partition, stop);
      }
    }
    if (unresolved.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndTimestamp> found = metadata.offsetsForTimes(unresolved);
    for (TopicPartition partition : unresolved.keySet()) {
      OffsetAndTimestamp first = found.get(partition);
      if (first != null) {
        stops.put(partition, first.offset());
      } else if (!endsAskedAt.isBefore(stopTime.get())) {
        stops.put(partition, ends.get(partition));
      }
    }
  }

  /** The offset {@code partition} is read up to (exclusive); Long.MAX_VALUE while unknown. */
  long bound(TopicPartition partition) {
    return stops.getOrDefault(partition, Long.MAX_VALUE);
  }

  /** True once every one of {@code partitions} (at least one) was read up to its stop offset. */
  boolean reachedBy(List<TopicPartition> partitions, Map<TopicPartition, Long> positions) {
    return !partitions.isEmpty()
        && partitions.stream()
            .allMatch(p -> stops.containsKey(p) && positions.getOrDefault(p, 0L) >= stops.get(p));
  }
}
