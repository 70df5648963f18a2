package dev.microbatch.io.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.joda.time.Instant;

/** What reading a range does with a record whose key or value cannot be deserialized. */
@FunctionalInterface
interface OnUndecodable {

  /**
   * @param raw the record as read
   * @param cause what the deserializer threw
   * @param timestamp when to place the record in event time: never behind the partition's watermark
   */
  void accept(ConsumerRecord<byte[], byte[]> raw, RuntimeException cause, Instant timestamp)
      throws Exception;

  /**
   * Fails the batch, naming the record's topic, partition and offset: without a bad-record handler,
   * skipping a record would lose it silently.
   */
  static OnUndecodable fail(String topics) {
    return (raw, cause, timestamp) -> {
      throw new IllegalStateException(
          "Cannot deserialize the record at "
              + UndecodableKafkaRecord.where(raw)
              + " of "
              + topics
              + ": "
              + cause.getMessage(),
          cause);
    };
  }
}
