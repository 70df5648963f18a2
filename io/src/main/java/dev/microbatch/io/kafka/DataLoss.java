package dev.microbatch.io.kafka;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Kafka input does when offsets it is to read no longer exist: past the partition's end (the
 * broker was replaced by an empty one, the topic re-created) or before its log start (retention,
 * {@code deleteRecords}). As Spark's {@code failOnDataLoss}: by default the batch fails, naming the
 * topic, partition, expected and actual offsets; with {@code --failOnDataLoss=false} the read goes
 * on where {@code auto.offset.reset} says, logs what it skipped and counts it in the {@value
 * #LOST_OFFSETS} counter.
 */
public final class DataLoss implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(DataLoss.class);
  public static final String NAMESPACE = "microbatch.kafka";
  public static final String LOST_OFFSETS = "lostOffsets";

  private final String input;
  private final boolean failOnDataLoss;
  private final String reset;

  /**
   * @param input the read's name, for messages and the counter's step
   * @param consumerConfig the read's consumer properties, whose auto.offset.reset says where to go on
   * @param failOnDataLoss whether lost offsets fail the batch
   */
  public DataLoss(String input, Map<String, Object> consumerConfig, boolean failOnDataLoss) {
    this.input = input;
    this.failOnDataLoss = failOnDataLoss;
    this.reset =
        String.valueOf(consumerConfig.getOrDefault(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"))
            .toLowerCase(Locale.ROOT);
  }

  /**
   * The offset to go on from when {@code expected} lies past {@code end}, the partition's end
   * offset: its log start ({@code start}) with {@code auto.offset.reset=earliest}, else its end.
   * The offsets between the end and the expected one are counted as lost.
   */
  long pastTheEnd(
      MetricsContainerStepMap metrics, TopicPartition partition, long expected, long start, long end)
      throws Exception {
    String found = "the partition ends at offset " + end + " (log start " + start + ")";
    refuseUnlessAllowed(partition, expected, found, "the broker replaced, the topic re-created?");
    long resumeAt = "earliest".equals(reset) ? start : end;
    lost(metrics, partition, expected, resumeAt, found, expected - end);
    return resumeAt;
  }

  /**
   * The offset to go on from when {@code expected} lies before {@code start}, the partition's log
   * start: the log start with {@code auto.offset.reset=earliest}, else {@code until}, the end of
   * the range being read (never beyond it: the slice is fixed). The offsets skipped are counted as
   * lost.
   */
  long beforeTheStart(
      MetricsContainerStepMap metrics, TopicPartition partition, long expected, long start, long until)
      throws Exception {
    String found = "the partition's log starts at offset " + start;
    refuseUnlessAllowed(partition, expected, found, "retention or deleteRecords removed them?");
    long resumeAt = "earliest".equals(reset) ? Math.min(start, until) : until;
    lost(metrics, partition, expected, resumeAt, found, resumeAt - expected);
    return resumeAt;
  }

  private void refuseUnlessAllowed(
      TopicPartition partition, long expected, String found, String likelyCause) {
    String gone =
        "Kafka offsets are gone: "
            + input
            + " expected to read topic '"
            + partition.topic()
            + "' partition "
            + partition.partition()
            + " from offset "
            + expected
            + ", but "
            + found
            + " ("
            + likelyCause
            + ")";
    if (failOnDataLoss) {
      throw new IllegalStateException(
          gone
              + ". Records may have been lost. Run with --failOnDataLoss=false to go on where"
              + " auto.offset.reset says (now '"
              + reset
              + "'), counting the lost offsets in the "
              + NAMESPACE
              + "/"
              + LOST_OFFSETS
              + " counter.");
    }
    if (!"earliest".equals(reset) && !"latest".equals(reset)) {
      throw new IllegalStateException(
          gone
              + ". --failOnDataLoss=false goes on where auto.offset.reset says, and it says '"
              + reset
              + "': set it to 'earliest' or 'latest'.");
    }
  }

  private void lost(
      MetricsContainerStepMap metrics,
      TopicPartition partition,
      long expected,
      long resumeAt,
      String found,
      long count) {
    LOG.warn(
        "{}: topic '{}' partition {} was to be read from offset {}, but {}; going on from offset {}"
            + " (auto.offset.reset={}), {} offsets lost",
        input,
        partition.topic(),
        partition.partition(),
        expected,
        found,
        resumeAt,
        reset,
        count);
    metrics.getContainer(input).getCounter(MetricName.named(NAMESPACE, LOST_OFFSETS)).inc(count);
  }
}
