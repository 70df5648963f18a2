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
 * A batch's offset range read where it is shipped to (a cluster's executor): it arrives as Java
 * serialization bytes, reads exactly its range with a consumer the JVM keeps for the partition's
 * next range, and reports the records it read and the partition's watermark.
 */
public class KafkaRangeReadTest {

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

  private KafkaRangeRead<String, String> read(long from, long until, Instant previous) {
    return new KafkaRangeRead<>(
        "read",
        reading(),
        new OffsetRange(PARTITION, from, until),
        // Said to be behind the end, so that the policy never moves the watermark to "now" for an
        // idle partition: the watermark is the records'.
        until + 100,
        previous,
        false,
        new BrokerRetry("read", Duration.ofMinutes(1)),
        new DataLoss("read", Map.of(), true));
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
    try (KafkaProducer<String, String> producer =
        broker.producer(StringSerializer.class, StringSerializer.class)) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(PARTITION.topic(), 0, "k" + i, "v" + i)).get();
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
    assertEquals("v3", read.get(0).getValue().getKV().getValue());
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
}
