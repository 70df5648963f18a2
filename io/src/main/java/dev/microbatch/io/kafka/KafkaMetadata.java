package dev.microbatch.io.kafka;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What a Kafka input asks the broker outside of reading records: partitions, offsets, and the
 * consumer group's committed offsets. One consumer of its own answers, each call under the input's
 * {@link BrokerRetry}, so that a broker that is away for a while delays a batch rather than fails
 * it. Each call waits at most the consumer's {@code default.api.timeout.ms} per try.
 */
final class KafkaMetadata {

  private final Consumer<byte[], byte[]> consumer;
  private final BrokerRetry retry;

  KafkaMetadata(KafkaReadSpec<?, ?> spec, BrokerRetry retry) {
    this.consumer = spec.offsetConsumer();
    this.retry = retry;
  }

  /** Closes the consumer at the end of the run. */
  void close() {
    consumer.close(java.time.Duration.ofSeconds(5));
  }

  /** The partitions of {@code topic}; empty if it does not exist. */
  List<PartitionInfo> partitionsFor(String topic) throws InterruptedException {
    return retry.call("listing the partitions of " + topic, () -> consumer.partitionsFor(topic));
  }

  Map<String, List<PartitionInfo>> listTopics() throws InterruptedException {
    return retry.call("listing topics", consumer::listTopics);
  }

  Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions)
      throws InterruptedException {
    return retry.call(
        "asking for the end offsets of " + partitions, () -> consumer.endOffsets(partitions));
  }

  Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions)
      throws InterruptedException {
    return retry.call(
        "asking for the beginning offsets of " + partitions,
        () -> consumer.beginningOffsets(partitions));
  }

  /** The group's committed offsets; a partition without one maps to null, as in Kafka. */
  Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions)
      throws InterruptedException {
    return retry.call(
        "asking for the group's offsets of " + partitions, () -> consumer.committed(partitions));
  }

  /** The first offsets at or after the times; a partition without one maps to null, as in Kafka. */
  Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times)
      throws InterruptedException {
    return retry.call(
        "asking for the offsets at times " + times, () -> consumer.offsetsForTimes(times));
  }

  void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) throws InterruptedException {
    Map<TopicPartition, Long> shown = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    offsets.forEach((partition, offset) -> shown.put(partition, offset.offset()));
    retry.call(
        "committing offsets " + shown + " to the group",
        () -> {
          consumer.commitSync(offsets);
          return offsets;
        });
  }
}
