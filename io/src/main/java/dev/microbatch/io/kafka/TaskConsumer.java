package dev.microbatch.io.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer of raw bytes assigned to the topic partitions one task reads, kept open across batches
 * (by the driver's input, or in an executor's {@link ExecutorConsumers}) so that each partition's
 * next range usually continues where the consumer stands, without a seek and its refetch.
 */
final class TaskConsumer implements AutoCloseable {

  private static final int FETCH_MAX_WAIT_MILLIS = 10;

  private final List<TopicPartition> partitions;
  private final Consumer<byte[], byte[]> consumer;
  private final Set<TopicPartition> positioned = new HashSet<>();

  private TaskConsumer(List<TopicPartition> partitions, Consumer<byte[], byte[]> consumer) {
    this.partitions = partitions;
    this.consumer = consumer;
  }

  /** A new consumer of {@code partitions} with the read's settings. */
  static TaskConsumer open(List<TopicPartition> partitions, PartitionReading<?, ?> reading) {
    Map<String, Object> config = new java.util.HashMap<>(reading.byteConsumerConfig());
    // A poll that returns the records up to the end of the log also sends the next fetch, which
    // the broker holds for fetch.max.wait.ms (500 ms by default) while nothing new arrives. When
    // the range ended before those records, the reader seeks back, and the next batch's read
    // would wait for that held fetch first: half a second per batch when a rate limit works
    // through a backlog. The reader only fetches while it polls for records that exist, so a
    // short wait costs nothing when idle. A value the read sets is kept.
    config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MILLIS);
    // Offsets that no longer exist must not be skipped silently: the reader is told (see
    // DataLoss) instead of the consumer moving on by itself.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    Consumer<byte[], byte[]> consumer = reading.consumerFactory().apply(config);
    List<TopicPartition> assigned = List.copyOf(partitions);
    consumer.assign(assigned);
    return new TaskConsumer(assigned, consumer);
  }

  /** The partitions assigned, in the order the task's ranges list them. */
  List<TopicPartition> partitions() {
    return partitions;
  }

  Consumer<byte[], byte[]> consumer() {
    return consumer;
  }

  /**
   * Makes {@code offset} the next record to read from {@code partition}, seeking only if the
   * consumer is elsewhere.
   */
  void positionAt(TopicPartition partition, long offset) {
    // A new consumer has no position, and asking for one would ask the broker (for the group's
    // offset), which may be away; the caller says where to start.
    if (!positioned.contains(partition) || consumer.position(partition) != offset) {
      consumer.seek(partition, offset);
      positioned.add(partition);
    }
  }

  /** Fetches from {@code reading} only; the other partitions' data waits where it is. */
  void fetchOnly(Collection<TopicPartition> reading) {
    Set<TopicPartition> others = new HashSet<>(partitions);
    others.removeAll(reading);
    consumer.pause(others);
    consumer.resume(reading);
  }

  /** Stops fetching {@code partition}, whose range is read. */
  void done(TopicPartition partition) {
    consumer.pause(List.of(partition));
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
