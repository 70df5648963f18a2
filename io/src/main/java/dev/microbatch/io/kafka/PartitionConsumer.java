package dev.microbatch.io.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer of raw bytes assigned to one topic partition, kept open across batches (by the driver's
 * reader of the partition, or in an executor's {@link ExecutorConsumers}) so that the partition's
 * next range usually continues where the consumer stands, without a seek and its refetch.
 */
final class PartitionConsumer implements AutoCloseable {

  private static final int FETCH_MAX_WAIT_MILLIS = 10;

  private final TopicPartition partition;
  private final Consumer<byte[], byte[]> consumer;
  private boolean positioned;

  private PartitionConsumer(TopicPartition partition, Consumer<byte[], byte[]> consumer) {
    this.partition = partition;
    this.consumer = consumer;
  }

  /** A new consumer of {@code partition} with the read's settings. */
  static PartitionConsumer open(TopicPartition partition, PartitionReading<?, ?> reading) {
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
    consumer.assign(List.of(partition));
    return new PartitionConsumer(partition, consumer);
  }

  TopicPartition partition() {
    return partition;
  }

  Consumer<byte[], byte[]> consumer() {
    return consumer;
  }

  /** Makes {@code offset} the next record to read, seeking only if the consumer is elsewhere. */
  void positionAt(long offset) {
    // A new consumer has no position, and asking for one would ask the broker (for the group's
    // offset), which may be away; the caller says where to start.
    if (!positioned || consumer.position(partition) != offset) {
      consumer.seek(partition, offset);
      positioned = true;
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
