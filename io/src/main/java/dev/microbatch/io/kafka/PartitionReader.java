package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.ElementSink;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.joda.time.Instant;

/**
 * What reading one topic partition keeps from range to range: its deserializers and its timestamp
 * policy, which timestamps its records and says its watermark. The {@link TaskReader} polls the
 * task's consumer and hands each partition's records to its {@link RangeRead}, which decodes,
 * timestamps and delivers those inside the range.
 */
final class PartitionReader<K, V> {

  private final TopicPartition partition;
  private final Deserializer<K> keys;
  private final Deserializer<V> values;
  private final TimestampPolicy<K, V> policy;
  private volatile Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /**
   * @param previousWatermark the partition's watermark after the last batch that read it (or in
   *     the checkpoint a run resumed from), which the timestamp policy continues from
   */
  PartitionReader(
      PartitionReading<K, V> reading,
      TopicPartition partition,
      Optional<Instant> previousWatermark) {
    this.partition = partition;
    this.keys = reading.keys().getDeserializer(reading.consumerConfig(), true);
    this.values = reading.values().getDeserializer(reading.consumerConfig(), false);
    this.policy = reading.timestampPolicy().createTimestampPolicy(partition, previousWatermark);
    previousWatermark.ifPresent(previous -> watermark = previous);
  }

  TopicPartition partition() {
    return partition;
  }

  Instant watermark() {
    return watermark;
  }

  /**
   * Starts reading {@code range}; {@code latestOffset} is the partition's end when the batch
   * started, for the policy's backlog.
   */
  RangeRead begin(OffsetRange range, long latestOffset) {
    return new RangeRead(range, new Context(latestOffset, range.from()));
  }

  /** One range being read: where it stands and how many records it delivered. */
  final class RangeRead {
    private final OffsetRange range;
    private final Context context;
    private long delivered;

    private RangeRead(OffsetRange range, Context context) {
      this.range = range;
      this.context = context;
    }

    OffsetRange range() {
      return range;
    }

    /**
     * Delivers the records of {@code polled} inside the range to {@code sink}, and those that
     * cannot be deserialized to {@code onUndecodable}. A record past the range puts the consumer
     * back at the range's end, where the next batch's range starts.
     */
    void deliver(
        List<ConsumerRecord<byte[], byte[]>> polled,
        Consumer<byte[], byte[]> consumer,
        ElementSink<? super WindowedValue<KafkaRecord<K, V>>> sink,
        OnUndecodable onUndecodable)
        throws Exception {
      for (ConsumerRecord<byte[], byte[]> raw : polled) {
        if (raw.offset() >= range.until()) {
          consumer.seek(partition, range.until());
          return;
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
        delivered++;
      }
    }

    /** The read goes on from {@code offset} (offsets before it were lost). */
    void resumeAt(long offset) {
      context.position = offset;
    }

    /** Ends the read: the partition's watermark moves on; returns the records delivered. */
    long finish() {
      watermark = policy.getWatermark(context);
      return delivered;
    }
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
