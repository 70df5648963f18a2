package dev.microbatch.translation.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.TestMicroBatchRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.metrics.SinkMetrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Instant;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * KafkaIO.write() runs as the runner's own sink step, on a real broker: the records, keys and
 * publish timestamps KafkaIO's writer would send, Beam's sink metric, and a record Kafka refuses
 * failing the run with the sink and topic named.
 */
public class KafkaWriteTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static Pipeline pipeline() {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    return Pipeline.create(options);
  }

  @Test(timeout = 120_000)
  public void everyRecordIsWrittenWithItsElementTimestampAndCountedByTheWriteStep()
      throws Exception {
    BROKER.createTopic("written", 3);
    List<TimestampedValue<KV<String, Long>>> input = new ArrayList<>();
    for (long i = 0; i < 500; i++) {
      input.add(TimestampedValue.of(KV.of("k" + i, i), new Instant(1_000_000 + i)));
    }
    Pipeline p = pipeline();
    p.apply(Create.timestamped(input))
        .apply(
            "Write",
            KafkaIO.<String, Long>write()
                .withBootstrapServers(BROKER.bootstrapServers())
                .withTopic("written")
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(LongSerializer.class)
                .withInputTimestamp());
    PipelineResult result = p.run();
    result.waitUntilFinish();

    Map<String, String> read = new HashMap<>();
    for (ConsumerRecord<String, Long> record : BROKER.consume(
        "written", 3, 500, StringDeserializer.class, LongDeserializer.class)) {
      read.put(record.key(), record.value() + "@" + record.timestamp());
    }
    Map<String, String> expected = new HashMap<>();
    input.forEach(
        v ->
            expected.put(
                v.getValue().getKey(),
                v.getValue().getValue() + "@" + v.getTimestamp().getMillis()));
    assertEquals(expected, read);
    List<MetricResult<Long>> written = new ArrayList<>();
    result
        .metrics()
        .queryMetrics(
            MetricsFilter.builder()
                .addNameFilter(
                    MetricNameFilter.named(
                        SinkMetrics.elementsWritten().getName().getNamespace(),
                        SinkMetrics.elementsWritten().getName().getName()))
                .build())
        .getCounters()
        .forEach(written::add);
    assertEquals(1, written.size());
    assertEquals("Write", written.get(0).getKey().stepName());
    assertEquals(500L, (long) written.get(0).getCommitted());
  }

  @Test(timeout = 120_000)
  public void aRecordKafkaRefusesFailsTheRunNamingTheSinkAndTopic() throws Exception {
    BROKER.createTopic("refusing", 1);
    Pipeline p = pipeline();
    p.apply(Create.of(KV.of("small", "v"), KV.of("large", "x".repeat(4_000))))
        .apply(
            "TooLarge",
            KafkaIO.<String, String>write()
                .withBootstrapServers(BROKER.bootstrapServers())
                .withTopic("refusing")
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withProducerConfigUpdates(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000)));

    Pipeline.PipelineExecutionException failure =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    String refusal = messageNaming("TooLarge: Kafka refused", failure);
    assertThat(refusal, containsString("TooLarge: Kafka refused 1 of the"));
    assertThat(refusal, containsString("to topic refusing"));
  }

  /** The message of the first exception in {@code error}'s causes that contains {@code text}. */
  private static String messageNaming(String text, Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains(text)) {
        return cause.getMessage();
      }
    }
    throw new AssertionError("No cause of " + error + " says " + text, error);
  }
}
