package dev.microbatch.io.kafka;

import static org.junit.Assert.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.ClassRule;
import org.junit.Test;

/** The test broker is a real Kafka broker: what is produced to it can be consumed back. */
public class EmbeddedKafkaBrokerTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  @Test(timeout = 120_000)
  public void recordsProducedToAMultiPartitionTopicAreConsumedBack() throws Exception {
    BROKER.createTopic("roundtrip", 3);
    try (KafkaProducer<String, String> producer =
        BROKER.producer(StringSerializer.class, StringSerializer.class)) {
      for (int i = 0; i < 30; i++) {
        producer.send(new ProducerRecord<>("roundtrip", i % 3, "k" + i, "v" + i)).get();
      }
    }
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
      List<TopicPartition> partitions =
          List.of(
              new TopicPartition("roundtrip", 0),
              new TopicPartition("roundtrip", 1),
              new TopicPartition("roundtrip", 2));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 60_000;
      while (values.size() < 30 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    assertEquals(30, values.size());
  }

  @Test(timeout = 120_000)
  public void aBrokerGivenAPortListensOnIt() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(port);
    broker.start();
    try (var admin = broker.admin()) {
      assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
      List<Integer> ports = admin.describeCluster().nodes().get().stream().map(Node::port).toList();
      assertEquals(List.of(port), ports);
    } finally {
      broker.stop();
    }
  }
}
