package dev.microbatch.translation.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.io.kafka.DataLoss;
import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Kafka offsets that no longer exist, as Spark's {@code failOnDataLoss}: by default the batch
 * fails naming topic, partition, expected and actual offsets; with {@code --failOnDataLoss=false}
 * the read goes on where {@code auto.offset.reset} says and counts the lost offsets.
 */
public class KafkaDataLossTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();
  @Rule public final EmbeddedKafkaBroker replacement = new EmbeddedKafkaBroker();
  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);

  /**
   * A run that reads {@code maxRecords} offsets of {@code topic} and checks that the numbers it
   * read add up to {@code sum}. The same pipeline every time, so that a run resumes another's
   * checkpoint.
   */
  private static PipelineResult run(
      MicroBatchPipelineOptions options,
      NumberTopics topics,
      String topic,
      String group,
      long maxRecords,
      long sum) {
    Pipeline p = Pipeline.create(options);
    p.apply("Read", topics.read(topic, group).withMaxNumRecords(maxRecords).withoutMetadata())
        .apply("Tally", ParDo.of(new Tally("read")));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals("sum of the numbers read", sum, Tally.sum(result, "read"));
    return result;
  }

  private MicroBatchPipelineOptions options(String checkpointDir) {
    MicroBatchPipelineOptions options = JobOptions.checkpointed(checkpointDir);
    options.setBatchIntervalMillis(50L);
    options.setMaxBatchRetries(0);
    return options;
  }

  @Test(timeout = 180_000)
  public void offsetsPastTheEndOfAReplacedBrokersLogFailTheBatchUnlessDataLossIsAllowed()
      throws Exception {
    String topic = "replaced";
    String checkpoints = temp.newFolder("replaced").getPath();
    TOPICS.createFilled(topic, 1, 100);
    run(options(checkpoints), TOPICS, topic, "replaced-reader", 100, 99L * 100 / 2);
    // The next runs may read 30 more: the positions in the checkpoint count 100 read.

    // The broker is replaced by an empty one, which gets 30 new records (numbers 0 to 29).
    NumberTopics replaced = new NumberTopics(replacement);
    replaced.createFilled(topic, 1, 30);

    Pipeline.PipelineExecutionException failure =
        assertThrows(
            Pipeline.PipelineExecutionException.class,
            () -> run(options(checkpoints), replaced, topic, "replaced-reader", 130, 0));
    assertThat(
        rootMessage(failure),
        allOf(
            containsString("topic '" + topic + "' partition 0 from offset 100"),
            containsString("the partition ends at offset 30"),
            containsString("--failOnDataLoss=false")));

    MicroBatchPipelineOptions allowed = options(checkpoints);
    allowed.setFailOnDataLoss(false);
    PipelineResult result = run(allowed, replaced, topic, "replaced-reader", 130, 29L * 30 / 2);
    assertEquals("offsets 30 to 99 are gone", 70, lostOffsets(result));
  }

  @Test(timeout = 180_000)
  public void offsetsBeforeTheLogStartFailTheBatchUnlessDataLossIsAllowed() throws Exception {
    String topic = "trimmed";
    TOPICS.createFilled(topic, 1, 100);
    TopicPartition partition = new TopicPartition(topic, 0);
    try (Admin admin = BROKER.admin()) {
      // The group stopped at offset 20; then retention removed everything before offset 60.
      for (String group : new String[] {"trimmed-strict", "trimmed-lenient"}) {
        admin
            .alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(20)))
            .all()
            .get();
      }
      admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(60))).all().get();
    }

    Pipeline.PipelineExecutionException failure =
        assertThrows(
            Pipeline.PipelineExecutionException.class,
            () ->
                run(
                    options(temp.newFolder("strict").getPath()),
                    TOPICS,
                    topic,
                    "trimmed-strict",
                    80,
                    0));
    assertThat(
        rootMessage(failure),
        allOf(
            containsString("topic '" + topic + "' partition 0 from offset 20"),
            containsString("log starts at offset 60")));

    MicroBatchPipelineOptions allowed = options(temp.newFolder("lenient").getPath());
    allowed.setFailOnDataLoss(false);
    // Offsets 60 to 99 are read: auto.offset.reset=earliest goes on from the log start.
    PipelineResult result = run(allowed, TOPICS, topic, "trimmed-lenient", 80, (60L + 99) * 40 / 2);
    assertEquals("offsets 20 to 59 are gone", 40, lostOffsets(result));
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  private static long lostOffsets(PipelineResult result) {
    Iterable<MetricResult<Long>> counters =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(
                        MetricNameFilter.named(DataLoss.NAMESPACE, DataLoss.LOST_OFFSETS))
                    .build())
            .getCounters();
    return StreamSupport.stream(counters.spliterator(), false)
        .mapToLong(MetricResult::getCommitted)
        .sum();
  }
}
