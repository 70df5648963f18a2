package dev.microbatch.io.kafka;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * Tasks share the sink's one producer for the run; each task's finish answers for its own records:
 * how many it sent, all in the topic, and a refusal fails the task that sent the refused record
 * and no other.
 */
public class KafkaSinkTest {

  private static final String TOPIC = "sink-out";
  /** Kafka's default largest request; a larger record is refused before it is sent. */
  private static final int MAX_REQUEST_BYTES = 1_048_576;

  @Rule public final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker();

  private KafkaSink<String, String> sink() throws Exception {
    broker.createTopic(TOPIC, 2);
    return new KafkaSink<>(
        "Write",
        KafkaIO.<String, String>writeRecords()
            .withBootstrapServers(broker.bootstrapServers())
            .withTopic(TOPIC)
            .withKeySerializer(StringSerializer.class)
            .withValueSerializer(StringSerializer.class));
  }

  private long recordsInTopic() throws Exception {
    try (Admin admin = broker.admin()) {
      return EmbeddedKafkaBroker.endOffsets(admin, TOPIC, 2).values().stream()
          .mapToLong(Long::longValue)
          .sum();
    }
  }

  @Test(timeout = 90_000)
  public void tasksWritingAtOnceShareOneProducerAndEachCountsItsOwnRecords() throws Exception {
    try (KafkaSink<String, String> sink = sink()) {
      KafkaSink<String, String>.TaskWriter first = sink.writer();
      KafkaSink<String, String>.TaskWriter second = sink.writer();
      for (int i = 0; i < 100; i++) {
        first.send("a" + i, "v", Instant.now());
        second.send("b" + i, "v", Instant.now());
      }
      second.send("b", "v", Instant.now());
      assertEquals(101, second.finish());
      assertEquals(100, first.finish());

      KafkaSink<String, String>.TaskWriter later = sink.writer();
      later.send("c", "v", Instant.now());
      assertEquals(1, later.finish());
      assertEquals(0, sink.writer().finish());
      assertEquals(1, sink.producerCount());
    }
    assertEquals(202, recordsInTopic());
  }

  @Test(timeout = 90_000)
  public void aRefusedRecordFailsTheTaskThatSentItOnly() throws Exception {
    try (KafkaSink<String, String> sink = sink()) {
      KafkaSink<String, String>.TaskWriter refusedOne = sink.writer();
      KafkaSink<String, String>.TaskWriter alongside = sink.writer();
      refusedOne.send("fits", "v", Instant.now());
      refusedOne.send("too large", "x".repeat(MAX_REQUEST_BYTES + 1), Instant.now());
      alongside.send("fits too", "v", Instant.now());

      IOException refusal = assertThrows(IOException.class, refusedOne::finish);
      assertEquals(
          "Write: Kafka refused 1 of the 2 records this task sent to topic " + TOPIC,
          refusal.getMessage());
      assertTrue(refusal.getCause() instanceof RecordTooLargeException);
      assertEquals(1, alongside.finish());

      KafkaSink<String, String>.TaskWriter next = sink.writer();
      next.send("after", "v", Instant.now());
      assertEquals(1, next.finish());
      assertEquals(1, sink.producerCount());
    }
    assertEquals(3, recordsInTopic());
  }

  @Test(timeout = 90_000)
  public void aProducerLeavingRecordsUnansweredPastTheDeadlineIsClosedAndReplaced()
      throws Exception {
    List<MockProducer<String, String>> made = new ArrayList<>();
    KafkaIO.WriteRecords<String, String> write =
        KafkaIO.<String, String>writeRecords()
            .withBootstrapServers(broker.bootstrapServers())
            .withTopic(TOPIC)
            .withKeySerializer(StringSerializer.class)
            .withValueSerializer(StringSerializer.class)
            // The deadline is the longer of these plus 5 s.
            .withProducerConfigUpdates(
                Map.of(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 100,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 100))
            .withProducerFactoryFn(
                config -> {
                  // The first never answers (a wedged producer); the next answers at once.
                  MockProducer<String, String> producer =
                      new MockProducer<>(
                          !made.isEmpty(), new StringSerializer(), new StringSerializer());
                  made.add(producer);
                  return producer;
                });
    try (KafkaSink<String, String> sink = new KafkaSink<>("Write", write)) {
      KafkaSink<String, String>.TaskWriter stuck = sink.writer();
      stuck.send("a", "v", Instant.now());
      IllegalStateException gaveUp = assertThrows(IllegalStateException.class, stuck::finish);
      assertEquals(
          "Write gave up waiting for Kafka to acknowledge the 1 records a task sent after its"
              + " deadline of 5.1 s; is the Kafka broker reachable?",
          gaveUp.getMessage());
      assertTrue("the wedged producer is closed at once", made.get(0).closed());

      KafkaSink<String, String>.TaskWriter next = sink.writer();
      next.send("b", "v", Instant.now());
      assertEquals(1, next.finish());
      assertEquals(2, sink.producerCount());
    }
    assertTrue(made.get(1).closed());
  }
}
