package dev.microbatch.translation.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.translation.UnsupportedTransformException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.CheckStopReadingFn;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * KafkaIO.read() settings that change what is read, or how: the direct input honours each one or
 * refuses the read at translation, naming it.
 */
public class KafkaReadSettingsTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);

  /** The configurations each test's consumer factory was called with, by test id. */
  private static final Map<String, Queue<Map<String, Object>>> CONSUMERS =
      new ConcurrentHashMap<>();

  /** Makes Kafka's own consumers and remembers their configurations. */
  private record RecordingFactory(String testId)
      implements SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> {
    @Override
    public Consumer<byte[], byte[]> apply(Map<String, Object> config) {
      CONSUMERS
          .computeIfAbsent(testId, id -> new ConcurrentLinkedQueue<>())
          .add(Map.copyOf(config));
      return new KafkaConsumer<>(config);
    }
  }

  private static PipelineResult tally(KafkaIO.Read<String, Long> read, String name) {
    Pipeline p = Pipeline.create(JobOptions.test());
    p.apply("Read", read.withoutMetadata()).apply("Tally", ParDo.of(new Tally(name)));
    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    return result;
  }

  @Test(timeout = 120_000)
  public void everyConsumerComesFromTheConsumerFactoryAndTheOffsetConsumerGetsItsOverrides()
      throws Exception {
    String topic = "factory";
    TOPICS.createFilled(topic, 2, 40);
    String testId = UUID.randomUUID().toString();

    PipelineResult result =
        tally(
            TOPICS
                .read(topic, "factory-reader")
                .withMaxNumRecords(40)
                .withConsumerFactoryFn(new RecordingFactory(testId))
                .withOffsetConsumerConfigOverrides(
                    Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG, "offsets-of-factory",
                        ConsumerConfig.GROUP_ID_CONFIG, "not-the-readers-group")),
            topic);

    assertEquals(39 * 40 / 2, Tally.sum(result, topic));
    List<Map<String, Object>> configs = List.copyOf(CONSUMERS.get(testId));
    List<Map<String, Object>> offsetConsumers =
        configs.stream()
            .filter(c -> "offsets-of-factory".equals(c.get(ConsumerConfig.CLIENT_ID_CONFIG)))
            .toList();
    assertEquals("one offset consumer: " + configs, 1, offsetConsumers.size());
    assertEquals(
        "the offset consumer commits the read's group",
        "factory-reader",
        offsetConsumers.get(0).get(ConsumerConfig.GROUP_ID_CONFIG));
    assertEquals("a record consumer per partition and the offset consumer", 3, configs.size());
  }

  @Test(timeout = 120_000)
  public void aMaxReadTimeEndsAnOtherwiseUnboundedRead() throws Exception {
    String topic = "timed";
    TOPICS.createFilled(topic, 2, 100);

    PipelineResult result =
        tally(
            TOPICS.read(topic, "timed-reader").withMaxReadTime(Duration.standardSeconds(2)),
            topic);

    // Everything was there before the run started, so the first batch took it all.
    assertEquals(100, Tally.count(result, topic));
    assertEquals(99 * 100 / 2, Tally.sum(result, topic));
  }

  /** Test ids whose partition 0 may stop too (the read's function is a serialized copy). */
  private static final Set<String> STOP_ALL = ConcurrentHashMap.newKeySet();

  /** Stops partition 1 at once, partition 0 once the test says so. */
  private record StopPartitions(String testId) implements CheckStopReadingFn {
    @Override
    public Boolean apply(TopicPartition partition) {
      return partition.partition() == 1 || STOP_ALL.contains(testId);
    }
  }

  @Test(timeout = 120_000)
  public void aPartitionTheCheckStopReadingFnStopsIsReadNoMoreAndTheReadEndsWhenAllHave()
      throws Exception {
    String topic = "stopping";
    TOPICS.createFilled(topic, 2, 100);
    String testId = UUID.randomUUID().toString();
    Pipeline p = Pipeline.create(JobOptions.streaming(100, 2));
    p.apply(
            "Read",
            TOPICS
                .read(topic, "stopping-reader")
                .withCheckStopReadingFn(new StopPartitions(testId))
                .withoutMetadata())
        .apply("Tally", ParDo.of(new Tally(topic)));
    PipelineResult result = p.run();

    // Partition 0 holds the even numbers 0 to 98.
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (Tally.count(result, topic) < 50) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("read " + Tally.count(result, topic) + " of partition 0's 50");
      }
      Thread.sleep(50);
    }
    STOP_ALL.add(testId);

    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(Duration.standardSeconds(60)));
    assertEquals(50, Tally.count(result, topic));
    assertEquals(2 * (49 * 50 / 2), Tally.sum(result, topic));
  }

  @Test
  public void aWatermarkFunctionIsRefusedNamingTheRead() {
    Pipeline p = Pipeline.create(JobOptions.test());
    p.apply(
        "ReadWithWatermarkFn",
        TOPICS
            .read("any", "any-reader")
            .withWatermarkFn2(record -> Instant.now())
            .withoutMetadata());

    UnsupportedTransformException e = assertThrows(UnsupportedTransformException.class, p::run);

    assertThat(e.getMessage(), containsString("ReadWithWatermarkFn"));
    assertThat(e.getMessage(), containsString("withWatermarkFn"));
    assertTrue(e.getMessage(), e.getMessage().contains("withTimestampPolicyFactory"));
    assertFalse(CONSUMERS.containsKey("any"));
  }
}
