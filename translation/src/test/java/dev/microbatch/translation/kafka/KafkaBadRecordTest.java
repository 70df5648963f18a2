package dev.microbatch.translation.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.junit.Assert.assertEquals;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.ClassRule;
import org.junit.Test;

/** A Kafka read with a bad-record error handler, on a real broker. */
public class KafkaBadRecordTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);

  /** Three bytes are no long: the record's value cannot be deserialized. Returns its place. */
  private static String poison(String topic, int partition) throws Exception {
    String value = "abc";
    try (KafkaProducer<String, String> producer =
        BROKER.producer(StringSerializer.class, StringSerializer.class)) {
      RecordMetadata sent =
          producer.send(new ProducerRecord<>(topic, partition, "bad", value)).get();
      return BadRecordPlaces.place(topic, sent.partition(), sent.offset(), value);
    }
  }

  @Test(timeout = 120_000)
  public void recordsThatCannotBeDeserializedGoToTheHandlerWithTheirPlaceAndTheRestIsDelivered()
      throws Exception {
    String topic = "mixed";
    String group = "mixed-reader";
    TOPICS.create(topic, 2);
    List<String> poisoned = new ArrayList<>();
    TOPICS.produce(topic, 2, 0, 20);
    poisoned.add(poison(topic, 0));
    poisoned.add(poison(topic, 1));
    TOPICS.produce(topic, 2, 20, 20);
    poisoned.add(poison(topic, 0));

    MicroBatchPipelineResult result =
        runUntilConsumed(
            topic,
            group,
            (p, read) -> p.apply(read.withoutMetadata()).apply(ParDo.of(new Tally(topic))));

    assertEquals("the job goes on", PipelineResult.State.RUNNING, result.getState());
    assertEquals(40, Tally.count(result, topic));
    assertEquals(39 * 40 / 2, Tally.sum(result, topic));
    assertThat(BadRecordPlaces.of(result), containsInAnyOrder(poisoned.toArray()));
    assertEquals(PipelineResult.State.DONE, result.drain());
  }

  @Test(timeout = 120_000)
  public void aReadWhoseRecordsNobodyConsumesStillHandsItsBadRecordsToTheHandler()
      throws Exception {
    String topic = "unread";
    String group = "unread-reader";
    TOPICS.create(topic, 1);
    TOPICS.produce(topic, 1, 0, 5);
    String poisoned = poison(topic, 0);
    TOPICS.produce(topic, 1, 5, 5);

    // Only the handler reads anything of this read.
    MicroBatchPipelineResult result = runUntilConsumed(topic, group, Pipeline::apply);

    assertThat(BadRecordPlaces.of(result), containsInAnyOrder(poisoned));
    assertEquals(PipelineResult.State.DONE, result.drain());
  }

  /**
   * Runs a job that reads {@code topic} as {@code group} with {@link BadRecordPlaces} as the
   * bad-record handler, and does with the read what {@code job} says; returns once the group has
   * every offset, that is once the batches holding the poisoned records have committed.
   */
  private static MicroBatchPipelineResult runUntilConsumed(
      String topic, String group, BiConsumer<Pipeline, KafkaIO.Read<String, Long>> job)
      throws Exception {
    Pipeline p = Pipeline.create(options());
    try (BadRecordErrorHandler<PCollection<String>> handler =
        p.registerBadRecordErrorHandler(new BadRecordPlaces())) {
      job.accept(p, TOPICS.read(topic, group).withBadRecordErrorHandler(handler));
    }
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    TOPICS.awaitConsumed(topic, group, Duration.ofSeconds(60));
    return result;
  }

  private static MicroBatchPipelineOptions options() {
    MicroBatchPipelineOptions options = JobOptions.streaming(100, 2);
    // At most 7 offsets per partition and batch: the poisoned records fall in different batches.
    options.setMaxRecordsPerBatch(7L);
    options.setLogEveryBatch(false);
    return options;
  }
}
