package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.ElementSink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.Deserializer;
import org.joda.time.Instant;

/**
 * Reads offset ranges of one topic partition with a consumer of its own that stays open across
 * batches (so a partition's next range usually continues where the consumer stands, without a
 * seek). Records are decoded here, timestamped by the read's timestamp policy, and only records
 * inside the range are delivered. While the broker is away, a read waits on from the offset it
 * reached (see {@link BrokerRetry}): the records it delivered stay delivered, none comes twice.
 */
final class PartitionReader<K, V> {

  private static final Duration POLL = Duration.ofMillis(100);

  private final TopicPartition partition;
  private final PartitionConsumer partitionConsumer;
  private final Consumer<byte[], byte[]> consumer;
  private final Deserializer<K> keys;
  private final Deserializer<V> values;
  private final TimestampPolicy<K, V> policy;
  private final BrokerRetry retry;
  private final DataLoss dataLoss;
  private volatile Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /**
   * @param consumer the partition's consumer, which this reader reads with but does not own
   * @param previousWatermark the partition's watermark after the last batch that read it (or in
   *     the checkpoint a run resumed from), which the timestamp policy continues from
   */
  PartitionReader(
      PartitionReading<K, V> reading,
      PartitionConsumer consumer,
      BrokerRetry retry,
      DataLoss dataLoss,
      Optional<Instant> previousWatermark) {
    this.partition = consumer.partition();
    this.partitionConsumer = consumer;
    this.consumer = consumer.consumer();
    this.retry = retry;
    this.dataLoss = dataLoss;
    this.keys = reading.keys().getDeserializer(reading.consumerConfig(), true);
    this.values = reading.values().getDeserializer(reading.consumerConfig(), false);
    this.policy = reading.timestampPolicy().createTimestampPolicy(partition, previousWatermark);
    previousWatermark.ifPresent(previous -> watermark = previous);
  }

  Instant watermark() {
    return watermark;
  }

  /**
   * Reads {@code range} into {@code sink} and returns the number of records delivered; a record
   * that cannot be deserialized goes to {@code onUndecodable} instead. {@code latestOffset} is the
   * partition's end when the batch started, for the policy's backlog. Lost offsets are counted in
   * {@code metrics}.
   */
  long read(
      MetricsContainerStepMap metrics,
      OffsetRange range,
      long latestOffset,
      ElementSink<? super WindowedValue<KafkaRecord<K, V>>> sink,
      OnUndecodable onUndecodable)
      throws Exception {
    Context context = new Context(latestOffset, range.from());
    if (range.size() == 0) {
      watermark = policy.getWatermark(context);
      return 0;
    }
    partitionConsumer.positionAt(range.from());
    long count = 0;
    BrokerRetry.Outage outage = retry.waitFor("reading " + range);
    while (consumer.position(partition) < range.until()) {
      List<ConsumerRecord<byte[], byte[]>> polled;
      try {
        polled = consumer.poll(POLL).records(partition);
      } catch (RetriableException e) {
        // A fetch failed (a leader moving, a broker restarting); the consumer stays where it was.
        polled = List.of();
      } catch (OffsetOutOfRangeException e) {
        long resumeAt = resumeAfterLoss(metrics, range);
        consumer.seek(partition, resumeAt);
        context.position = resumeAt;
        continue;
      }
      if (polled.isEmpty()) {
        outage.stillWaiting("at offset " + consumer.position(partition));
        continue;
      }
      outage.over();
      for (ConsumerRecord<byte[], byte[]> raw : polled) {
        if (raw.offset() >= range.until()) {
          // Polled past the range: the next batch's range starts here.
          consumer.seek(partition, range.until());
          break;
        }
        context.position = raw.offset() + 1;
        KafkaRecord<K, V> record;
        try {
          record = decode(raw);
        } catch (RuntimeException e) {
          // Whatever a deserializer throws is about the record's bytes. The record has no decoded
          // form for the timestamp policy; at its own time, but never behind the watermark, it is
          // never late.
          Instant own = new Instant(raw.timestamp());
          onUndecodable.accept(raw, e, own.isAfter(watermark) ? own : watermark);
          continue;
        }
        Instant timestamp = policy.getTimestampForRecord(context, record);
        sink.accept(WindowedValues.timestampedValueInGlobalWindow(record, timestamp));
        count++;
      }
    }
    watermark = policy.getWatermark(context);
    return count;
  }

  /**
   * Where to go on when the offset the consumer stands at no longer exists: before the log start
   * (retention), or past the end (the broker was replaced while reading).
   */
  private long resumeAfterLoss(MetricsContainerStepMap metrics, OffsetRange range) throws Exception {
    long expected = consumer.position(partition);
    List<TopicPartition> one = List.of(partition);
    long start =
        retry.call("asking for the log start of " + partition, () -> consumer.beginningOffsets(one))
            .get(partition);
    long end =
        retry.call("asking for the end of " + partition, () -> consumer.endOffsets(one))
            .get(partition);
    if (expected > end) {
      // Only this range's end is left to go to: the slice is fixed.
      dataLoss.pastTheEnd(metrics, partition, expected, start, end);
      return range.until();
    }
    return dataLoss.beforeTheStart(metrics, partition, expected, start, range.until());
  }

  private KafkaRecord<K, V> decode(ConsumerRecord<byte[], byte[]> raw) {
    K key = raw.key() == null ? null : keys.deserialize(raw.topic(), raw.headers(), raw.key());
    V value =
        raw.value() == null ? null : values.deserialize(raw.topic(), raw.headers(), raw.value());
    return KafkaRecords.of(raw, key, value);
  }

  /** The partition as the timestamp policy sees it: how far behind the end the read is. */
  private static final class Context extends TimestampPolicy.PartitionContext {
    private final long latestOffset;
    private final Instant checkTime = Instant.now();
    private long position;

    Context(long latestOffset, long position) {
      this.latestOffset = latestOffset;
      this.position = position;
    }

    @Override
    public long getMessageBacklog() {
      return Math.max(0, latestOffset - position);
    }

    @Override
    public Instant getBacklogCheckTime() {
      return checkTime;
    }
  }
}
