package dev.microbatch.examples.bench;

import dev.microbatch.examples.WindowedCount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The word counts an application has written to its output topic so far, read as they come: the
 * words counted per window (by the window's start) and how many (word, window) pairs came twice.
 */
final class WrittenCounts implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<String, String> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<Long, Long> wordsPerWindow = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private int duplicates;

  WrittenCounts(String bootstrapServers, String topic, int partitionCount) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
    for (int partition = 0; partition < partitionCount; partition++) {
      partitions.add(new TopicPartition(topic, partition));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads what has been written up to the topic's end offsets now. */
  WrittenCounts readToEnd() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
      for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
        WindowedCount count = WindowedCount.parse(record.value());
        long start = count.windowStart().getMillis();
        duplicates += seen.add(count.word() + " " + start) ? 0 : 1;
        wordsPerWindow.merge(start, count.count(), Long::sum);
      }
    }
    return this;
  }

  /** Words counted per window start. */
  Map<Long, Long> wordsPerWindow() {
    return wordsPerWindow;
  }

  /** How many (word, window) pairs were written more than once. */
  int duplicates() {
    return duplicates;
  }

  /** How many counts were written. */
  int written() {
    return seen.size() + duplicates;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
