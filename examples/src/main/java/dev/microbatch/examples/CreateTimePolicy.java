package dev.microbatch.examples;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Kafka record timestamps (create times, unless the topic stamps log-append times) as event times,
 * with a watermark that also moves on for a partition that has never had a record.
 *
 * <p>Beam's {@code withCreateTime(maxDelay)} advances an idle partition's watermark with the clock
 * only once it has read a record from it, so a single partition nothing was written to holds every
 * window back for good. That is easily had: a console producer's sticky partitioner may well write
 * all of a few lines to one partition of two.
 *
 * <p>Here a partition's watermark is the latest timestamp read less {@code maxDelay} (a timestamp
 * in the future counts as now), or, while nothing is left to read in the partition, the time that
 * was checked less {@code maxDelay}; it never goes back.
 */
final class CreateTimePolicy<K, V> extends TimestampPolicy<K, V> {

  private final Duration maxDelay;
  private Instant watermark;

  private CreateTimePolicy(Duration maxDelay, Optional<Instant> previousWatermark) {
    this.maxDelay = maxDelay;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** The policy for each partition; {@code maxDelay} is how much out of order records may come. */
  static <K, V> TimestampPolicyFactory<K, V> withMaxDelay(Duration maxDelay) {
    return (partition, previousWatermark) -> new CreateTimePolicy<>(maxDelay, previousWatermark);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext context, KafkaRecord<K, V> record) {
    Instant timestamp = new Instant(record.getTimestamp());
    Instant now = Instant.now();
    advanceTo((timestamp.isAfter(now) ? now : timestamp).minus(maxDelay));
    return timestamp;
  }

  @Override
  public Instant getWatermark(PartitionContext context) {
    if (context.getMessageBacklog() == 0) {
      advanceTo(context.getBacklogCheckTime().minus(maxDelay));
    }
    return watermark;
  }

  private void advanceTo(Instant candidate) {
    if (candidate.isAfter(watermark)) {
      watermark = candidate;
    }
  }
}
