package dev.microbatch.examples.bench;

import dev.microbatch.examples.kafka.CheckedSends;
import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka side of the throughput benchmark: an embedded broker (in the benchmark's JVM, so every
 * variant shares the machine with it alike), one input topic filled once, and a fresh output topic
 * for each run that writes, deleted after it so that the disk does not fill up over the rounds.
 *
 * <p>Input records have an 8-byte key (their index, big-endian: the producer spreads them over the
 * partitions by its hash) and a value of {@code valueBytes} bytes.
 */
final class KafkaBenchCluster implements AutoCloseable {

  static final String INPUT_TOPIC = "bench-input";

  private final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker();
  private final int partitions;
  private final long records;
  private final int valueBytes;
  private final Map<String, Object> producerUpdates;
  private Admin admin;
  private int outputTopics;

  private KafkaBenchCluster(
      int partitions, long records, int valueBytes, Map<String, Object> producerUpdates) {
    this.partitions = partitions;
    this.records = records;
    this.valueBytes = valueBytes;
    this.producerUpdates = Map.copyOf(producerUpdates);
  }

  /**
   * Starts the broker and fills the input topic; every variant's producers get {@code
   * producerUpdates} over Kafka's defaults.
   */
  static KafkaBenchCluster start(
      int partitions, long records, int valueBytes, Map<String, Object> producerUpdates)
      throws Exception {
    KafkaBenchCluster cluster =
        new KafkaBenchCluster(partitions, records, valueBytes, producerUpdates);
    cluster.broker.start();
    cluster.admin = cluster.broker.admin();
    cluster.createTopic(INPUT_TOPIC);
    cluster.fillInput();
    return cluster;
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  long records() {
    return records;
  }

  int partitions() {
    return partitions;
  }

  int valueBytes() {
    return valueBytes;
  }

  /** A new empty output topic with as many partitions as the input, named after {@code slug}. */
  String newOutputTopic(String slug) throws Exception {
    String topic = "bench-output-" + slug + "-" + (++outputTopics);
    createTopic(topic);
    return topic;
  }

  void deleteTopic(String topic) throws Exception {
    admin.deleteTopics(List.of(topic)).all().get();
  }

  /** Records in {@code topic}: the sum of its partitions' end offsets (no transactions here). */
  long recordsIn(String topic) throws Exception {
    return EmbeddedKafkaBroker.endOffsets(admin, topic, partitions).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /**
   * Produce requests the broker has handled since it started, from its request metrics in this
   * JVM's MBean server (one per request version, summed): how many records a variant's producers
   * put in a request tells how much of the broker's and the producers' work is per request.
   */
  static long produceRequests() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long total = 0;
    for (ObjectName name :
        server.queryNames(
            new ObjectName(
                "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,*"),
            null)) {
      total += ((Number) server.getAttribute(name, "Count")).longValue();
    }
    return total;
  }

  /** Offsets {@code group} has committed on the input topic, summed over its partitions. */
  long committedInput(String group) throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .values()
        .stream()
        .mapToLong(offset -> offset.offset())
        .sum();
  }

  /**
   * Records a {@code read_committed} consumer finds in {@code topic}: those of committed
   * transactions, without the transaction markers that end offsets also count.
   */
  long committedRecordsIn(String topic) throws Exception {
    Map<String, Object> config = new java.util.HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> all = partitionsOf(topic);
      consumer.assign(all);
      consumer.seekToBeginning(all);
      Map<TopicPartition, Long> ends = consumer.endOffsets(all);
      while (all.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        count += consumer.poll(java.time.Duration.ofMillis(200)).count();
      }
    }
    return count;
  }

  /**
   * A consumer of the whole input topic from its beginning, as a user would write it: Kafka's
   * defaults, byte arrays, all partitions assigned (no group, nothing committed).
   */
  KafkaConsumer<byte[], byte[]> inputConsumer() {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    List<TopicPartition> input = partitionsOf(INPUT_TOPIC);
    consumer.assign(input);
    consumer.seekToBeginning(input);
    return consumer;
  }

  /** Settings every variant's producers get over Kafka's defaults (none unless asked for). */
  Map<String, Object> producerUpdates() {
    return producerUpdates;
  }

  /** A producer of byte arrays with Kafka's defaults and {@link #producerUpdates()}. */
  KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new java.util.HashMap<>(producerUpdates);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(config);
  }

  private List<TopicPartition> partitionsOf(String topic) {
    List<TopicPartition> all = new ArrayList<>(partitions);
    for (int partition = 0; partition < partitions; partition++) {
      all.add(new TopicPartition(topic, partition));
    }
    return all;
  }

  private void createTopic(String topic) throws Exception {
    // A deleted output topic's files go at once instead of a minute later.
    broker.createTopic(
        new NewTopic(topic, partitions, (short) 1)
            .configs(Map.of(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "0")));
  }

  /** Fills the input, batched generously: how long this takes is not measured. */
  private void fillInput() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
      CheckedSends<byte[], byte[]> sends = new CheckedSends<>(producer);
      for (long i = 0; i < records; i++) {
        sends.send(new ProducerRecord<>(INPUT_TOPIC, key(i), value(i)));
      }
      sends.flush();
    }
    long filled = recordsIn(INPUT_TOPIC);
    if (filled != records) {
      throw new IllegalStateException(
          "The input topic holds " + filled + " records, not " + records);
    }
  }

  private static byte[] key(long index) {
    return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(index).array();
  }

  /** Printable bytes that differ from record to record, so that nothing compresses them away. */
  private byte[] value(long index) {
    byte[] value = new byte[valueBytes];
    for (int i = 0; i < valueBytes; i++) {
      value[i] = (byte) ('a' + (index + i) % 26);
    }
    return value;
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    broker.stop();
  }
}
