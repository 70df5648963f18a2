package dev.microbatch.io.kafka;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.DeserializerProvider;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * A task's offset ranges read where they are shipped to (a cluster's executor): the read arrives as
 * Java serialization bytes, reads exactly its ranges with a consumer the JVM keeps for the task's
 * next ranges, and reports the records it read and the least of its partitions' watermarks.
 */
public class KafkaTaskReadTest {

  @Rule public final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker();

  private static final TopicPartition PARTITION = new TopicPartition("ranges", 0);

  /** Strings, as KafkaIO's own provider gives them; serializable, as the read's parts must be. */
  private static final class Strings implements DeserializerProvider<String> {
    @Override
    public Deserializer<String> getDeserializer(Map<String, ?> configs, boolean isKey) {
      return new StringDeserializer();
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<String> getCoder(CoderRegistry registry) {
      return StringUtf8Coder.of();
    }
  }

  private PartitionReading<String, String> reading() {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    Map<String, Object> bytes = new java.util.HashMap<>(config);
    bytes.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    bytes.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new PartitionReading<>(
        config,
        bytes,
        new Strings(),
        new Strings(),
        TimestampPolicyFactory.withCreateTime(org.joda.time.Duration.ZERO),
        (SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>>) KafkaConsumer::new,
        "[ranges]");
  }

  private KafkaTaskRead<String, String> read(long from, long until, Instant previous) {
    return read(List.of(slice(new OffsetRange(PARTITION, from, until), previous)));
  }

  private KafkaTaskRead<String, String> read(List<KafkaTaskRead.Slice> slices) {
    return new KafkaTaskRead<>(
        "read",
        reading(),
        slices,
        new BrokerRetry("read", Duration.ofMinutes(1)),
        new DataLoss("read", Map.of(), true));
  }

  private static KafkaTaskRead.Slice slice(OffsetRange range, Instant previous) {
    // Said to be behind the end, so that the policy never moves the watermark to "now" for an
    // idle partition: the watermark is the records'.
    return new KafkaTaskRead.Slice(new TaskRange(range, range.until() + 100), previous, false);
  }

  @SuppressWarnings("unchecked")
  private static <T> T shipped(T read) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(read);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private void produce(int count) throws Exception {
    produce(PARTITION, count, 0);
  }

  private void produce(TopicPartition partition, int count, long timestamp) throws Exception {
    try (KafkaProducer<String, String> producer =
        broker.producer(StringSerializer.class, StringSerializer.class)) {
      for (int i = 0; i < count; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    partition.topic(),
                    partition.partition(),
                    timestamp == 0 ? null : timestamp + i,
                    "k" + i,
                    partition.partition() + "v" + i))
            .get();
      }
    }
  }

  @Test
  public void readsExactlyItsRangeAfterShippingAndReportsItsWatermark() throws Exception {
    broker.createTopic(PARTITION.topic(), 1);
    produce(10);
    List<WindowedValue<KafkaRecord<String, String>>> read = new ArrayList<>();

    var report = shipped(read(3, 7, BoundedWindow.TIMESTAMP_MIN_VALUE)).read(read::add);

    assertEquals(4, report.records());
    List<Long> offsets = new ArrayList<>();
    read.forEach(record -> offsets.add(record.getValue().getOffset()));
    assertEquals(List.of(3L, 4L, 5L, 6L), offsets);
    assertEquals("0v3", read.get(0).getValue().getKV().getValue());
    // Create time with no delay: the watermark is the last record's time.
    assertEquals(read.get(3).getTimestamp(), report.watermark());
  }

  @Test
  public void theNextRangeOfAPartitionReusesTheConsumerThisJvmKept() throws Exception {
    broker.createTopic(PARTITION.topic(), 1);
    produce(6);
    ExecutorConsumers consumers = ExecutorConsumers.ofThisJvm();
    int idleBefore = consumers.idleCount();
    var first = shipped(read(0, 3, BoundedWindow.TIMESTAMP_MIN_VALUE)).read(record -> {});
    assertEquals("kept after the read", idleBefore + 1, consumers.idleCount());

    List<Long> offsets = new ArrayList<>();
    var second =
        shipped(read(3, 6, first.watermark()))
            .read(record -> offsets.add(record.getValue().getOffset()));

    assertEquals("lent again and given back, not a second one", idleBefore + 1, consumers.idleCount());
    assertEquals(List.of(3L, 4L, 5L), offsets);
    assertEquals(3, second.records());
    assertFalse(second.watermark().isBefore(first.watermark()));
  }

  @Test
  public void anEmptyRangeKeepsThePartitionsWatermark() throws Exception {
    broker.createTopic(PARTITION.topic(), 1);
    Instant previous = new Instant(1_000_000);

    var report = shipped(read(0, 0, previous)).read(record -> {});

    assertEquals(0, report.records());
    assertEquals("the policy continues from the previous watermark", previous, report.watermark());
  }

  @Test
  public void aTaskReadsEachOfItsPartitionsRangeAndReportsTheLeastWatermark() throws Exception {
    TopicPartition early = new TopicPartition("tasks", 0);
    TopicPartition late = new TopicPartition("tasks", 1);
    broker.createTopic("tasks", 2);
    produce(early, 8, 1_000);
    produce(late, 8, 9_000);
    Map<TopicPartition, List<Long>> offsets = new java.util.HashMap<>();

    var report =
        shipped(
                read(
                    List.of(
                        slice(new OffsetRange(early, 2, 5), BoundedWindow.TIMESTAMP_MIN_VALUE),
                        slice(new OffsetRange(late, 0, 8), BoundedWindow.TIMESTAMP_MIN_VALUE))))
            .read(
                record ->
                    offsets
                        .computeIfAbsent(
                            new TopicPartition(
                                record.getValue().getTopic(), record.getValue().getPartition()),
                            p -> new ArrayList<>())
                        .add(record.getValue().getOffset()));

    assertEquals(11, report.records());
    assertEquals(List.of(2L, 3L, 4L), offsets.get(early));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), offsets.get(late));
    // Create time with no delay: each partition's watermark is its last record's time; the task's
    // is the earlier of the two (offset 4 of the early partition, at 1,000 + 4).
    assertEquals(new Instant(1_004), report.watermark());
  }
}
