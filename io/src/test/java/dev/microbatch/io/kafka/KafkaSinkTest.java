package dev.microbatch.io.kafka;

import static org.junit.Assert.assertEquals;

import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The sink's producers are lent to tasks one at a time: tasks writing at once have one each, a
 * task that ended (well or not) leaves its producer to the next, and every record a task finished
 * with is in the topic.
 */
public class KafkaSinkTest {

  private static final String TOPIC = "sink-out";

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

  @Test(timeout = 90_000)
  public void tasksWritingAtOnceHaveAProducerEachAndLaterTasksReuseThem() throws Exception {
    try (KafkaSink<String, String> sink = sink()) {
      KafkaSink<String, String>.TaskWriter first = sink.writer();
      KafkaSink<String, String>.TaskWriter second = sink.writer();
      for (int i = 0; i < 100; i++) {
        first.send("a" + i, "v", Instant.now());
        second.send("b" + i, "v", Instant.now());
      }
      assertEquals(100, first.finish());
      assertEquals(100, second.finish());
      assertEquals(2, sink.producerCount());

      KafkaSink<String, String>.TaskWriter third = sink.writer();
      third.send("c", "v", Instant.now());
      assertEquals(1, third.finish());
      assertEquals(2, sink.producerCount());
    }
    try (Admin admin = broker.admin()) {
      long written =
          EmbeddedKafkaBroker.endOffsets(admin, TOPIC, 2).values().stream()
              .mapToLong(Long::longValue)
              .sum();
      assertEquals(201, written);
    }
  }

  @Test(timeout = 90_000)
  public void aTaskThatFailedLeavesItsProducerToTheNext() throws Exception {
    try (KafkaSink<String, String> sink = sink()) {
      KafkaSink<String, String>.TaskWriter failed = sink.writer();
      failed.send("a", "v", Instant.now());
      failed.release();
      failed.release();

      KafkaSink<String, String>.TaskWriter next = sink.writer();
      KafkaSink<String, String>.TaskWriter alongside = sink.writer();
      assertEquals(0, next.finish());
      assertEquals(0, alongside.finish());
      assertEquals(2, sink.producerCount());
    }
  }
}
