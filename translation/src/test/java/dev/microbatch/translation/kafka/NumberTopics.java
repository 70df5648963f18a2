package dev.microbatch.translation.kafka;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The topics the Kafka specs use: record {@code i} has key {@code "k" + i} and value {@code i}, and
 * goes to partition {@code i % partitions}, so counts and sums tell what was read.
 */
final class NumberTopics {

  private final EmbeddedKafkaBroker broker;

  NumberTopics(EmbeddedKafkaBroker broker) {
    this.broker = broker;
  }

  /** Creates {@code topic} with {@code partitions} partitions. */
  void create(String topic, int partitions) throws Exception {
    broker.createTopic(topic, partitions);
  }

  /** Creates {@code topic} with {@code partitions} partitions holding the numbers [0, count). */
  void createFilled(String topic, int partitions, long count) throws Exception {
    create(topic, partitions);
    produce(topic, partitions, count);
  }

  /** Produces the numbers {@code [from, from + count)} to {@code topic} and waits for the acks. */
  void produce(String topic, int partitions, long from, long count) throws Exception {
    try (KafkaProducer<String, Long> producer = producer()) {
      for (long i = from; i < from + count; i++) {
        producer.send(record(topic, partitions, i));
      }
      producer.flush();
    }
  }

  /** Produces the numbers {@code [0, count)}. */
  void produce(String topic, int partitions, long count) throws Exception {
    produce(topic, partitions, 0, count);
  }

  KafkaProducer<String, Long> producer() {
    return broker.producer(StringSerializer.class, LongSerializer.class);
  }

  /**
   * Waits until {@code group} has committed every offset of {@code topic} as it stands now, that is
   * until a job reading as that group has consumed all that was produced so far.
   */
  void awaitConsumed(String topic, String group, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = broker.admin()) {
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      for (TopicPartitionInfo info :
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
        ends.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> wanted = new HashMap<>();
      admin.listOffsets(ends).all().get().forEach((tp, end) -> wanted.put(tp, end.offset()));
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean done =
            wanted.entrySet().stream()
                .allMatch(
                    e ->
                        e.getValue() == 0
                            || (committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue()));
        if (done) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              group + " did not consume " + wanted + " within " + timeout + ": " + committed);
        }
        Thread.sleep(100);
      }
    }
  }

  static ProducerRecord<String, Long> record(String topic, int partitions, long i) {
    return new ProducerRecord<>(topic, (int) (i % partitions), "k" + i, i);
  }

  /**
   * Reads {@code topic} as (String, Long) records from the earliest offset, as {@code group}, which
   * is told the offsets of every committed batch. Unbounded until the caller bounds it.
   */
  KafkaIO.Read<String, Long> read(String topic, String group) {
    return KafkaIO.<String, Long>read()
        .withBootstrapServers(broker.bootstrapServers())
        .withTopic(topic)
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(LongDeserializer.class)
        .withConsumerConfigUpdates(
            Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.GROUP_ID_CONFIG,
                group))
        .commitOffsetsInFinalize();
  }
}
