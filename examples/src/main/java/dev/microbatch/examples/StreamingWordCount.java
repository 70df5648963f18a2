package dev.microbatch.examples;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import java.io.IOException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * A windowed streaming word count over an unbounded generated source: sentences arrive at a fixed
 * rate, timestamped when they are generated; words are counted per fixed window, and each window
 * prints one line when the watermark passes its end.
 *
 * <p>A word's arrival is the moment the source hands its sentence to the pipeline (GenerateSequence
 * stamps each number with the time it is read). Each line says how long after the arrival of the
 * window's latest word the window was printed: the end-to-end latency of that word. The same figure
 * is kept in the distribution metric {@code windowOutputLatencyMs}, summarized when the run ends.
 */
public final class StreamingWordCount {

  /** Metric namespace and name of the latency distribution. */
  static final String METRIC_NAMESPACE = "StreamingWordCount";

  static final String LATENCY_METRIC = "windowOutputLatencyMs";

  /** Options of the example: the runner's own plus rate, window and run time. */
  public interface Options extends MicroBatchPipelineOptions {
    @Description("Sentences generated per second.")
    @Default.Integer(200)
    int getSentencesPerSecond();

    void setSentencesPerSecond(int value);

    @Description("Window length in seconds.")
    @Default.Integer(5)
    int getWindowSeconds();

    void setWindowSeconds(int value);

    @Description("How long to run, in seconds; the job is then cancelled. 0 runs until killed.")
    @Default.Integer(30)
    int getRunSeconds();

    void setRunSeconds(int value);
  }

  private StreamingWordCount() {}

  public static void main(String[] args) throws IOException {
    Options options =
        PipelineOptionsFactory.fromArgs(WordCount.withDefaultRunner(args))
            .withValidation()
            .as(Options.class);
    options.setStreaming(true);
    System.out.println(
        "Streaming word count: "
            + options.getSentencesPerSecond()
            + " sentences/s, "
            + options.getWindowSeconds()
            + " s windows, batches of "
            + options.getBatchIntervalMillis()
            + " ms, running "
            + (options.getRunSeconds() > 0 ? options.getRunSeconds() + " s" : "until killed"));
    PipelineResult result = createPipeline(options).run();
    if (options.getRunSeconds() > 0) {
      result.waitUntilFinish(Duration.standardSeconds(options.getRunSeconds()));
      result.cancel();
    } else {
      result.waitUntilFinish();
    }
    System.out.println(latencySummary(result));
  }

  /** The pipeline: generate, count per window, print one line per window. */
  public static Pipeline createPipeline(Options options) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(
            "GenerateSentences",
            GenerateSequence.from(0)
                .withRate(options.getSentencesPerSecond(), Duration.standardSeconds(1)))
        .apply("ToSentence", MapElements.into(TypeDescriptors.strings()).via(SampleText::sentence))
        .apply("ExtractWords", ParDo.of(new WordCount.ExtractWordsFn()))
        .apply(
            "Window",
            Window.into(FixedWindows.of(Duration.standardSeconds(options.getWindowSeconds()))))
        .apply("WithArrival", Reify.timestamps())
        .apply(
            "Summarize",
            Combine.globally(new WindowSummary.Fn())
                .withoutDefaults()
                .withFanout(Math.max(1, options.getParallelism())))
        .setCoder(SerializableCoder.of(WindowSummary.class))
        .apply("PrintWindow", ParDo.of(new PrintWindowFn()));
    return pipeline;
  }

  /**
   * Prints one line per window: totals, the most frequent words, and how long after its latest word
   * arrived the window was printed.
   */
  static final class PrintWindowFn extends DoFn<WindowSummary, String> {
    private final Distribution latency = Metrics.distribution(METRIC_NAMESPACE, LATENCY_METRIC);

    @ProcessElement
    public void process(
        @Element WindowSummary summary, IntervalWindow window, OutputReceiver<String> out) {
      long now = System.currentTimeMillis();
      long latencyMillis = now - summary.lastArrivalMillis;
      latency.update(latencyMillis);
      String line =
          String.format(
              "window %s..%s: %d words, %d distinct, top %s; printed %d ms after its last word"
                  + " arrived (%d ms after the window's end)",
              window.start().toDateTime().toLocalTime(),
              window.end().toDateTime().toLocalTime(),
              summary.totalWords(),
              summary.counts.size(),
              summary.top(3),
              latencyMillis,
              now - window.end().getMillis());
      System.out.println(line);
      out.output(line);
    }
  }

  static String latencySummary(PipelineResult result) {
    for (MetricResult<DistributionResult> distribution :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(METRIC_NAMESPACE, LATENCY_METRIC))
                    .build())
            .getDistributions()) {
      DistributionResult d = distribution.getCommitted();
      if (d.getCount() > 0) {
        return String.format(
            "Latest word's arrival to window output, over %d windows: min %d ms, mean %.0f ms, max %d ms",
            d.getCount(), d.getMin(), d.getMean(), d.getMax());
      }
    }
    return "No window was output.";
  }
}
