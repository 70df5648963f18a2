package dev.microbatch.io.kafka;

import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Beam's view of records read from Kafka. */
final class KafkaRecords {

  /**
   * Beam's timestamp types by Kafka's ordinal, looked up once: {@code forOrdinal} copies {@code
   * values()} on every call, an allocation per record.
   */
  private static final KafkaTimestampType[] TIMESTAMP_TYPES = KafkaTimestampType.values();

  private KafkaRecords() {}

  /** {@code raw}'s place, time and headers, with a key and value decoded (or not) from it. */
  static <K, V> KafkaRecord<K, V> of(ConsumerRecord<byte[], byte[]> raw, K key, V value) {
    return new KafkaRecord<>(
        raw.topic(),
        raw.partition(),
        raw.offset(),
        raw.timestamp(),
        TIMESTAMP_TYPES[raw.timestampType().ordinal()],
        raw.headers(),
        key,
        value);
  }
}
