package dev.microbatch.examples.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.Rule;
import org.junit.Test;

/**
 * Lines go to the broker, each acknowledged, even when the topic appears only after the first sends
 * have timed out waiting for its metadata; lines that never go are named, not dropped.
 */
public class LineSenderTest {

  /** Short, so that a topic that is not there fails a send within the test's time. */
  private static final int METADATA_WAIT_MILLIS = 300;

  @Rule public final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker();

  private static final List<String> LINES =
      IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i).collect(Collectors.toList());

  private KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            METADATA_WAIT_MILLIS,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class));
  }

  @Test
  public void linesForATopicCreatedAfterTheFirstTimeoutsAllArrive() throws Exception {
    CountDownLatch firstRetry = new CountDownLatch(1);
    try (KafkaProducer<String, String> producer = producer()) {
      LineSender sender =
          new LineSender(
              producer, "late", Duration.ofSeconds(60), message -> firstRetry.countDown());
      CompletableFuture<Void> sending =
          CompletableFuture.runAsync(
              () -> {
                try {
                  sender.send(LINES);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
              });

      assertEquals("a send failed first", true, firstRetry.await(30, TimeUnit.SECONDS));
      broker.createTopic("late", 2);
      sending.get(60, TimeUnit.SECONDS);
    }

    try (CommittedLines lines = new CommittedLines(broker.bootstrapServers(), "late")) {
      assertThat(lines.readToEnd(Duration.ofSeconds(30)), containsInAnyOrder(LINES.toArray()));
    }
  }

  @Test
  public void linesThatNeverGoAreCountedAndNamed() throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      LineSender sender = new LineSender(producer, "missing", Duration.ofSeconds(1), message -> {});

      UnsentLinesException e = assertThrows(UnsentLinesException.class, () -> sender.send(LINES));

      assertEquals(LINES.size(), e.unsent());
      assertThat(e.getMessage(), containsString("topic 'missing'"));
      assertThat(e.getMessage(), containsString("the first: 'line 1'"));
    }
  }
}
