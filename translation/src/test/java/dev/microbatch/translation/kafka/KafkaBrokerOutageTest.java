package dev.microbatch.translation.kafka;

import static org.junit.Assert.assertEquals;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.time.Duration;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult.State;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.ClassRule;
import org.junit.Test;

/** A streaming Kafka job outlives a broker that goes away for a while. */
public class KafkaBrokerOutageTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);

  /** Longer than one try of a call to the broker takes with the consumer settings below. */
  private static final Duration OUTAGE = Duration.ofSeconds(6);

  @Test(timeout = 180_000)
  public void aBrokerThatGoesAwayForAWhileIsWaitedForAndEveryRecordIsDeliveredOnce()
      throws Exception {
    String topic = "outlasting";
    String group = "outlasting-reader";
    TOPICS.create(topic, 2);
    TOPICS.produce(topic, 2, 0, 100);

    MicroBatchPipelineOptions options = JobOptions.streaming(200, 2);
    options.setMaxRecordsPerBatch(30L);
    Pipeline p = Pipeline.create(options);
    p.apply(
            TOPICS
                .read(topic, group)
                // Each try of a call gives up after 2 s (Kafka's default is a minute), so that
                // the outage below outlasts several tries; each fetch brings one batch of the
                // producer's, so that reading a range takes many fetches.
                .withConsumerConfigUpdates(
                    Map.of(
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
                        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1))
                .withoutMetadata())
        // Records are processed as they are read: 10 ms each keeps ranges being read about half
        // of the time, so that the broker often goes in the middle of one.
        .apply(ParDo.of(new FixedCostPerRecord<>(Duration.ofMillis(10))))
        .apply(ParDo.of(new Tally(topic)));
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    TOPICS.awaitConsumed(topic, group, Duration.ofSeconds(60));

    // Records keep coming while the broker goes away, so that it may go in the middle of a read,
    // of asking for offsets or of committing them; the producer holds what it could not send and
    // sends it once the broker is back (idempotently: nothing twice).
    try (SteadyProducer producer = new SteadyProducer(TOPICS, topic, 2, 100, 400, 100)) {
      producer.start();
      Thread.sleep(1000);
      BROKER.shutDown();
      State duringOutage;
      try {
        Thread.sleep(OUTAGE.toMillis());
        duringOutage = result.getState();
      } finally {
        BROKER.restart();
      }
      assertEquals("the job waits for the broker", State.RUNNING, duringOutage);
      producer.awaitAll();
    }
    TOPICS.produce(topic, 2, 500, 100);
    TOPICS.awaitConsumed(topic, group, Duration.ofSeconds(60));

    assertEquals("the job goes on", State.RUNNING, result.getState());
    assertEquals(600, Tally.count(result, topic));
    assertEquals(599 * 600 / 2, Tally.sum(result, topic));
    assertEquals(State.DONE, result.drain());
  }
}
