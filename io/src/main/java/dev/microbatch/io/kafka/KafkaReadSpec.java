package dev.microbatch.io.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.kafka.CheckStopReadingFn;
import org.apache.beam.sdk.io.kafka.DeserializerProvider;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Instant;

/**
 * What the direct Kafka input takes from a {@code KafkaIO.read()}: where to read, how to decode,
 * how to timestamp, and where to start and stop.
 *
 * @param consumerConfig the consumer properties, as given to KafkaIO
 * @param topics topics to read (all their partitions, new ones included)
 * @param topicPattern a pattern of topics to read instead, if any
 * @param topicPartitions fixed partitions to read instead, if any
 * @param keys key deserializer
 * @param values value deserializer
 * @param timestampPolicy record timestamps and partition watermarks
 * @param startReadTime where a partition without committed offsets starts, if set
 * @param stopReadTime each partition stops at its first record at or after this time, if set
 * @param commitOffsets whether consumed offsets are committed to the consumer group after a batch
 * @param maxNumRecords stop after this many records in all (Long.MAX_VALUE for none)
 * @param maxReadTime how long (wall clock, from the input's first batch) batches read, if set
 * @param checkStopReading tells, per partition and batch, whether to stop reading it, if set
 * @param consumerFactory makes every consumer of the read (KafkaIO's {@code withConsumerFactoryFn})
 * @param offsetConsumerConfig overrides for the consumer that asks for offsets and commits them
 */
public record KafkaReadSpec<K, V>(
    Map<String, Object> consumerConfig,
    List<String> topics,
    Optional<Pattern> topicPattern,
    List<TopicPartition> topicPartitions,
    DeserializerProvider<K> keys,
    DeserializerProvider<V> values,
    TimestampPolicyFactory<K, V> timestampPolicy,
    Optional<Instant> startReadTime,
    Optional<Instant> stopReadTime,
    boolean commitOffsets,
    long maxNumRecords,
    Optional<org.joda.time.Duration> maxReadTime,
    Optional<CheckStopReadingFn> checkStopReading,
    SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory,
    Map<String, Object> offsetConsumerConfig) {

  public KafkaReadSpec {
    consumerConfig = Map.copyOf(consumerConfig);
    offsetConsumerConfig = Map.copyOf(offsetConsumerConfig);
    topics = List.copyOf(topics);
    topicPartitions = List.copyOf(topicPartitions);
  }

  /** The consumer group, if the configuration names one. */
  public Optional<String> groupId() {
    return Optional.ofNullable(consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG))
        .map(Object::toString);
  }

  /**
   * The consumer configuration of this read for consumers of raw bytes (the read decodes records
   * itself, to route the undecodable ones) that never commit by themselves (offsets are committed
   * with the batch).
   */
  public Map<String, Object> byteConsumerConfig() {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return config;
  }

  /** What reading one of the partitions needs, to take wherever it is read. */
  PartitionReading<K, V> partitionReading() {
    return new PartitionReading<>(
        consumerConfig,
        byteConsumerConfig(),
        keys,
        values,
        timestampPolicy,
        consumerFactory,
        describeTopics());
  }

  /**
   * A consumer of raw bytes that asks for partitions and offsets and commits the group's offsets:
   * the read's configuration with its offset consumer overrides, but the read's own group.id,
   * whose offsets it commits.
   */
  Consumer<byte[], byte[]> offsetConsumer() {
    Map<String, Object> config = byteConsumerConfig();
    config.putAll(offsetConsumerConfig);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    groupId().ifPresent(group -> config.put(ConsumerConfig.GROUP_ID_CONFIG, group));
    return consumerFactory.apply(config);
  }

  /** What the topics are, for messages. */
  public String describeTopics() {
    if (!topicPartitions.isEmpty()) {
      return topicPartitions.toString();
    }
    return topicPattern.map(p -> "topics matching " + p.pattern()).orElse(topics.toString());
  }
}
