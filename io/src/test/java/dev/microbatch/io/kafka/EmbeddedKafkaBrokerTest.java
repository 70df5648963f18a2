package dev.microbatch.io.kafka;

import static org.junit.Assert.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
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
    produce("roundtrip", 3, 0, 30);
    assertEquals(30, consumeAll("roundtrip", 3, 30).size());
  }

  @Test(timeout = 120_000)
  public void aRestartedBrokerHasTheSameAddressAndEveryRecordItAcknowledged() throws Exception {
    BROKER.createTopic("restarted", 2);
    produce("restarted", 2, 0, 10);
    String address = BROKER.bootstrapServers();
    BROKER.shutDown();
    BROKER.restart();
    assertEquals(address, BROKER.bootstrapServers());
    produce("restarted", 2, 10, 10);
    List<String> values = consumeAll("restarted", 2, 20);
    assertEquals(
        IntStream.range(0, 20).mapToObj(i -> "v" + i).sorted().toList(),
        values.stream().sorted().toList());
  }

  /** Produces values {@code v<i>} for i in {@code [from, from + count)}, round robin. */
  private static void produce(String topic, int partitions, int from, int count) throws Exception {
    try (KafkaProducer<String, String> producer =
        BROKER.producer(StringSerializer.class, StringSerializer.class)) {
      for (int i = from; i < from + count; i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i)).get();
      }
    }
  }

  /** Consumes {@code topic} from the start until {@code expected} values came, or a minute. */
  private static List<String> consumeAll(String topic, int partitions, int expected) {
    return BROKER
        .consume(topic, partitions, expected, StringDeserializer.class, StringDeserializer.class)
        .stream()
        .map(ConsumerRecord::value)
        .toList();
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
