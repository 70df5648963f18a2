package dev.microbatch.examples.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The text values of one topic, from its beginning, as a {@code read_committed} consumer sees them:
 * records of aborted or still open transactions never show. It reads all partitions, assigned
 * directly, so it joins no consumer group and commits nothing.
 */
public final class CommittedLines implements AutoCloseable {

  private final KafkaConsumer<String, String> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();

  public CommittedLines(String bootstrapServers, String topic) {
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
    for (PartitionInfo info : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    if (partitions.isEmpty()) {
      consumer.close();
      throw new IllegalArgumentException("Kafka topic '" + topic + "' does not exist");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** The values polled within {@code timeout}; empty if nothing came. */
  public List<String> poll(Duration timeout) {
    List<String> values = new ArrayList<>();
    for (ConsumerRecord<String, String> record : consumer.poll(timeout)) {
      values.add(record.value());
    }
    return values;
  }

  /**
   * Every value up to the end the topic has now (for {@code read_committed}: its last stable
   * offset), each partition's in offset order.
   *
   * @throws IllegalStateException if the end is not reached within {@code timeout}
   */
  public List<String> readToEnd(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> values = new ArrayList<>();
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Read " + values.size() + " records, but not up to " + end + " within " + timeout);
      }
      values.addAll(poll(Duration.ofMillis(200)));
    }
    return values;
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (TopicPartition partition : partitions) {
      if (consumer.position(partition) < end.get(partition)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
