package dev.microbatch.io.kafka;

import java.io.IOException;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that could not be deserialized, as its {@link BadRecord} shows it to people: Beam writes
 * it as JSON (key and value in base64, null where Kafka has none). The bad record also carries the
 * whole record, headers included, encoded as a {@code KafkaRecord<byte[], byte[]>} with {@link
 * #CODER}, so that it can be decoded and processed again.
 */
record UndecodableKafkaRecord(
    String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {

  /** The coder of the encoded record in the bad record. */
  static final Coder<KafkaRecord<byte[], byte[]>> CODER =
      KafkaRecordCoder.of(
          NullableCoder.of(ByteArrayCoder.of()), NullableCoder.of(ByteArrayCoder.of()));

  /** Where a record is, for messages: topic, partition and offset. */
  static String where(ConsumerRecord<?, ?> raw) {
    return "topic " + raw.topic() + ", partition " + raw.partition() + ", offset " + raw.offset();
  }

  /** The bad record of {@code raw}, which {@code cause} stopped from being deserialized. */
  static BadRecord badRecord(ConsumerRecord<byte[], byte[]> raw, RuntimeException cause)
      throws IOException {
    UndecodableKafkaRecord shown =
        new UndecodableKafkaRecord(
            raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.key(), raw.value());
    return BadRecord.builder()
        .setRecord(
            BadRecord.Record.builder()
                .addHumanReadableJson(shown)
                .addCoderAndEncodedRecord(CODER, KafkaRecords.of(raw, raw.key(), raw.value()))
                .build())
        .setFailure(
            BadRecord.Failure.builder()
                .setDescription(
                    "Cannot deserialize the key or value of the record at " + where(raw))
                .setException(cause.toString())
                .addExceptionStackTrace(cause)
                .build())
        .build();
  }
}
