package dev.microbatch.examples;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;

/**
 * A windowed word count from Kafka to Kafka: reads text lines from one topic, counts the words of
 * each fixed window, and writes one record per word and window to another topic, keyed by the word,
 * its value a {@link WindowedCount} line such as {@code river: 3 [2026-01-01T00:00:10.000Z,
 * 2026-01-01T00:00:20.000Z)}.
 *
 * <p>Windows are in event time: a line's time is its record's create timestamp (when its producer
 * sent it). A window is written once, when the watermark passes its end: the latest create time
 * read, or the clock while a partition has nothing more to read, less {@link #OUT_OF_ORDER} (see
 * {@link CreateTimePolicy}). The read commits its offsets to the consumer group once a batch has
 * committed. It runs until killed, or with {@code --maxLines} until it has read that many lines.
 */
public final class KafkaWordCount {

  /**
   * How far a line's create time may be behind the latest one read before its window may already
   * have been written. Lines sent by one producer to one partition come in order; the margin covers
   * several producers and a window that ends while a batch reads.
   */
  static final Duration OUT_OF_ORDER = Duration.standardSeconds(1);

  /** Options of the example: the runner's own plus the broker, the topics and the window. */
  public interface Options extends MicroBatchPipelineOptions {
    @Description("Kafka bootstrap servers.")
    @Default.String("127.0.0.1:9092")
    String getBootstrapServers();

    void setBootstrapServers(String value);

    @Description("Topic of text lines to count the words of.")
    @Default.String("lines")
    String getInputTopic();

    void setInputTopic(String value);

    @Description("Topic the counts are written to, one record per word and window.")
    @Default.String("word-counts")
    String getOutputTopic();

    void setOutputTopic(String value);

    @Description("Window length in seconds.")
    @Default.Integer(10)
    int getWindowSeconds();

    void setWindowSeconds(int value);

    @Description("Consumer group whose committed offsets say where the read starts.")
    @Default.String("kafka-word-count")
    String getGroupId();

    void setGroupId(String value);

    @Description(
        "Stop after reading this many lines, then write every window; 0 runs until killed.")
    @Default.Long(0)
    long getMaxLines();

    void setMaxLines(long value);

    @Description(
        "Read only the lines of committed transactions (isolation.level=read_committed), for a"
            + " topic that transactional producers write.")
    @Default.Boolean(false)
    boolean getReadCommitted();

    void setReadCommitted(boolean value);
  }

  private KafkaWordCount() {}

  public static void main(String[] args) {
    Options options =
        PipelineOptionsFactory.fromArgs(WordCount.withDefaultRunner(args))
            .withValidation()
            .as(Options.class);
    System.out.printf(
        "Counting the words of topic %s at %s in %d s windows into topic %s; %s%n",
        options.getInputTopic(),
        options.getBootstrapServers(),
        options.getWindowSeconds(),
        options.getOutputTopic(),
        options.getMaxLines() > 0
            ? "stopping after " + options.getMaxLines() + " lines"
            : "running until killed");
    createPipeline(options).run().waitUntilFinish();
  }

  /** The pipeline: read lines, window, count words, write one record per word and window. */
  public static Pipeline createPipeline(Options options) {
    KafkaIO.Read<String, String> read =
        KafkaIO.<String, String>read()
            .withBootstrapServers(options.getBootstrapServers())
            .withTopic(options.getInputTopic())
            .withKeyDeserializer(StringDeserializer.class)
            .withValueDeserializer(StringDeserializer.class)
            .withTimestampPolicyFactory(CreateTimePolicy.withMaxDelay(OUT_OF_ORDER))
            .withConsumerConfigUpdates(
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG,
                    options.getGroupId(),
                    // A new group starts at the topic's beginning, not at lines yet to come.
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest"))
            .commitOffsetsInFinalize();
    if (options.getReadCommitted()) {
      read = read.withReadCommitted();
    }
    if (options.getMaxLines() > 0) {
      read = read.withMaxNumRecords(options.getMaxLines());
    }
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("ReadLines", read.withoutMetadata())
        .apply("Lines", Values.create())
        .apply(
            "Window",
            Window.into(FixedWindows.of(Duration.standardSeconds(options.getWindowSeconds()))))
        .apply("CountWords", new WordCount.CountWords())
        .apply("Format", ParDo.of(new FormatFn()))
        .apply(
            "WriteCounts",
            KafkaIO.<String, String>write()
                .withBootstrapServers(options.getBootstrapServers())
                .withTopic(options.getOutputTopic())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class));
    return pipeline;
  }

  /** (word, count) of a window in, (word, its {@link WindowedCount} line) out. */
  static final class FormatFn extends DoFn<KV<String, Long>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, Long> wordCount,
        IntervalWindow window,
        OutputReceiver<KV<String, String>> out) {
      WindowedCount count =
          new WindowedCount(wordCount.getKey(), wordCount.getValue(), window.start(), window.end());
      out.output(KV.of(wordCount.getKey(), count.format()));
    }
  }
}
