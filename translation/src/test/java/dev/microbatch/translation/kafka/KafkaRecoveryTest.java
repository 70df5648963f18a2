package dev.microbatch.translation.kafka;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.TestMicroBatchRunner;
import dev.microbatch.runner.checkpoint.CheckpointMismatchException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Batch retry and resume through --checkpointDir, against a real broker. */
public class KafkaRecoveryTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();
  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  /** Failures left to inject; tasks deserialize their own DoFn, so the count lives here. */
  private static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

  private static void produce(String topic, int partitions, int records) throws Exception {
    try (KafkaProducer<String, Long> producer =
        BROKER.producer(StringSerializer.class, LongSerializer.class)) {
      for (long i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, (int) (i % partitions), "k" + i, i));
      }
      producer.flush();
    }
  }

  private MicroBatchPipelineOptions options(String checkpointDir) {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    options.setCheckpointDir(checkpointDir);
    return options;
  }

  private static PCollection<Long> values(Pipeline p, String topic, long records) {
    return p.apply(
            KafkaIO.<String, Long>read()
                .withBootstrapServers(BROKER.bootstrapServers())
                .withTopic(topic)
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(LongDeserializer.class)
                .withConsumerConfigUpdates(
                    Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
                .withMaxNumRecords(records)
                .withoutMetadata())
        .apply(MapElements.into(TypeDescriptors.longs()).via(KV<String, Long>::getValue));
  }

  /** Throws once for value 123 while failures are left. */
  private static final class FailOnce extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long value, OutputReceiver<Long> out) {
      if (value == 123 && FAILURES_LEFT.getAndDecrement() > 0) {
        throw new IllegalStateException("injected failure at value 123");
      }
      out.output(value);
    }
  }

  @Test(timeout = 120_000)
  public void aBatchThatFailsIsRetriedOverTheSameSliceAndEveryRecordCountsOnce() throws Exception {
    String topic = "retried";
    BROKER.createTopic(topic, 4);
    produce(topic, 4, 400);
    FAILURES_LEFT.set(2);

    Pipeline p = Pipeline.create(options(temp.newFolder().getPath()));
    PCollection<Long> values = values(p, topic, 400).apply(ParDo.of(new FailOnce()));
    PAssert.thatSingleton(
            values.apply("Count", Combine.globally(Count.<Long>combineFn()).withoutDefaults()))
        .isEqualTo(400L);
    PAssert.thatSingleton(values.apply("Sum", Sum.longsGlobally().withoutDefaults()))
        .isEqualTo(399L * 400 / 2);
    p.run().waitUntilFinish();

    assertEquals("both injected failures were hit (and retried)", -1, FAILURES_LEFT.get());
  }

  @Test(timeout = 120_000)
  public void aPipelineThatNoLongerMatchesItsCheckpointFailsAtRunNamingTheChange()
      throws Exception {
    String topic = "changed";
    BROKER.createTopic(topic, 2);
    produce(topic, 2, 20);
    String dir = temp.newFolder().getPath();

    Pipeline first = Pipeline.create(options(dir));
    values(first, topic, 20).apply("Sum", Sum.longsGlobally().withoutDefaults());
    first.run().waitUntilFinish();

    Pipeline second = Pipeline.create(options(dir));
    values(second, topic, 20).apply("Total", Sum.longsGlobally().withoutDefaults());
    CheckpointMismatchException error =
        assertThrows(CheckpointMismatchException.class, () -> second.run());
    assertTrue(error.getMessage(), error.getMessage().contains("no longer in the pipeline"));
    assertTrue(error.getMessage(), error.getMessage().contains("Sum"));
    assertTrue(error.getMessage(), error.getMessage().contains("new in the pipeline"));
    assertTrue(error.getMessage(), error.getMessage().contains("Total"));
  }
}
