package dev.microbatch.sparkstreaming;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.CanCommitOffsets;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.HasOffsetRanges;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.kafka010.OffsetRange;
import scala.Tuple2;

/**
 * The examples' {@code KafkaWordCount} as a Spark Streaming application: a direct Kafka stream of
 * text lines, the words of each fixed event-time window (a line's time is its record's create
 * timestamp) counted across batches, and each window written once to another topic, one record per
 * word keyed by the word, its value {@code word: count [start, end)} as KafkaWordCount writes it.
 *
 * <p>Per batch: split the lines on runs of non-letters (as KafkaWordCount), count each (word,
 * window) with a map-side combine ({@code reduceByKey}, as a Spark user writes it), merge the
 * counts into the state of earlier batches ({@code updateStateByKey}, which needs a checkpoint
 * directory; see {@link WindowUpdate} for when a window ends), write the windows that have ended
 * to Kafka, and commit the batch's offsets to the consumer group.
 *
 * <p>Arguments ({@code --name=value}): {@code bootstrapServers} (127.0.0.1:9092), {@code
 * inputTopic} (lines), {@code outputTopic} (word-counts), {@code windowSeconds} (10), {@code
 * groupId} (spark-streaming-word-count), {@code batchIntervalMillis} (500), {@code readCommitted}
 * (false: read only committed transactions' lines), {@code checkpointDir} (required), {@code
 * batchLog} (a file that receives one JSON line per completed batch; none if unset). Spark
 * settings such as {@code spark.streaming.kafka.maxRatePerPartition} come from spark-submit, as
 * usual.
 */
public final class SparkStreamingKafkaWordCount {

  /** KafkaWordCount's margin for lines out of order: a window ends this long after its end. */
  static final long OUT_OF_ORDER_MILLIS = 1_000;

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private SparkStreamingKafkaWordCount() {}

  public static void main(String[] args) throws Exception {
    Arguments arguments = Arguments.parse(args);
    SparkConf conf = new SparkConf().setAppName("SparkStreamingKafkaWordCount");
    JavaStreamingContext context =
        new JavaStreamingContext(
            conf, Durations.milliseconds(arguments.longValue("batchIntervalMillis")));
    context.checkpoint(arguments.required("checkpointDir"));
    String batchLog = arguments.value("batchLog");
    if (!batchLog.isEmpty()) {
      context.addStreamingListener(new BatchLogListener(Path.of(batchLog)));
    }
    define(context, arguments);
    System.out.printf(
        "Counting the words of topic %s at %s in %d s windows into topic %s with Spark Streaming,"
            + " %d ms batches%n",
        arguments.value("inputTopic"),
        arguments.value("bootstrapServers"),
        arguments.longValue("windowSeconds"),
        arguments.value("outputTopic"),
        arguments.longValue("batchIntervalMillis"));
    context.start();
    context.awaitTermination();
  }

  /** The DStream graph: read, count per word and window, keep, write the ended windows, commit. */
  static void define(JavaStreamingContext context, Arguments arguments) {
    String bootstrapServers = arguments.value("bootstrapServers");
    String outputTopic = arguments.value("outputTopic");
    long windowMillis = arguments.longValue("windowSeconds") * 1000;
    long intervalMillis = arguments.longValue("batchIntervalMillis");
    Map<String, Object> consumer =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG, arguments.value("groupId"),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            // A new group starts at the topic's beginning, as KafkaWordCount's does.
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            // Offsets are committed once a batch's output is written (below).
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            // Spark also needs spark.streaming.kafka.allowNonConsecutiveOffsets=true then: the
            // transactions' markers take offsets of their own.
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            Boolean.parseBoolean(arguments.value("readCommitted"))
                ? "read_committed"
                : "read_uncommitted");
    JavaInputDStream<ConsumerRecord<String, String>> lines =
        KafkaUtils.createDirectStream(
            context,
            LocationStrategies.PreferConsistent(),
            ConsumerStrategies.<String, String>Subscribe(
                List.of(arguments.value("inputTopic")), consumer));

    JavaPairDStream<WindowedWord, WindowTally> tallies =
        lines.flatMapToPair(record -> words(record, windowMillis)).reduceByKey(WindowTally::plus);
    JavaPairDStream<WindowedWord, WindowTally> windows =
        WindowUpdate.apply(
            tallies, windowMillis, intervalMillis, context.sparkContext().defaultParallelism());
    windows
        .filter(window -> window._2().closed())
        .foreachRDD(
            rdd ->
                rdd.foreachPartition(
                    ended -> write(ended, bootstrapServers, outputTopic, windowMillis)));
    // Output operations run in the order they were defined: offsets are committed after the write.
    lines.foreachRDD(
        rdd -> {
          OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
          ((CanCommitOffsets) lines.inputDStream()).commitAsync(ranges);
        });
  }

  /** A line's words, each with the window of the line's create time, as (word, window) -> 1. */
  static Iterator<Tuple2<WindowedWord, WindowTally>> words(
      ConsumerRecord<String, String> record, long windowMillis) {
    long windowStart = record.timestamp() - Math.floorMod(record.timestamp(), windowMillis);
    List<Tuple2<WindowedWord, WindowTally>> words = new ArrayList<>();
    for (String word : record.value().split("[^\\p{L}]+")) {
      if (!word.isEmpty()) {
        words.add(new Tuple2<>(new WindowedWord(word, windowStart), WindowTally.ONE));
      }
    }
    return words.iterator();
  }

  /** Writes ended windows, one record per word, and waits until the broker has every one. */
  static void write(
      Iterator<Tuple2<WindowedWord, WindowTally>> ended,
      String bootstrapServers,
      String topic,
      long windowMillis)
      throws Exception {
    if (!ended.hasNext()) {
      return;
    }
    ExecutorProducers.Sends sends = ExecutorProducers.sends(bootstrapServers);
    while (ended.hasNext()) {
      Tuple2<WindowedWord, WindowTally> window = ended.next();
      String word = window._1().word();
      long start = window._1().windowStart();
      String line =
          word
              + ": "
              + window._2().count()
              + " ["
              + ISO_MILLIS.format(Instant.ofEpochMilli(start))
              + ", "
              + ISO_MILLIS.format(Instant.ofEpochMilli(start + windowMillis))
              + ")";
      sends.send(topic, word, line);
    }
    sends.awaitAll();
  }
}
