package dev.microbatch.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * The job {@link KeyedStateBenchmark} runs in a JVM of its own: a keyed count over {@code --keys}
 * keys. A generated sequence yields one element per batch interval; each of the first {@code
 * --loadBatches} elements adds its share of the keys (so the state grows to all keys), each later
 * one counts {@code --touchPercent} of the keys again, picked at random. The counts are per key in
 * the global window ({@code Count.perKey}), or per session of each key ({@code --sessions}: a
 * 10-minute gap, so that every session stays open for the run), and are emitted when the sequence
 * ends; the job checks that they add up to every element counted, then prints one {@code RESULT}
 * line with the heap the JVM used at most (sampled every 100 ms) and its peak resident memory.
 */
public final class KeyedStateJob {

  /** The job's own options; the runner's are passed along with them. */
  public interface Options extends PipelineOptions {
    @Description("How many keys the state grows to")
    @Default.Long(1_000_000)
    long getKeys();

    void setKeys(long value);

    @Description("In how many batches every key is counted once")
    @Default.Integer(5)
    int getLoadBatches();

    void setLoadBatches(int value);

    @Description("How many batches after those count a share of the keys again")
    @Default.Integer(20)
    int getTouchBatches();

    void setTouchBatches(int value);

    @Description("The share of the keys each of those batches counts again, in percent")
    @Default.Double(1.0)
    double getTouchPercent();

    void setTouchPercent(double value);

    @Description("Counts per session of each key (GroupByKey with timers) instead of per key")
    @Default.Boolean(false)
    boolean getSessions();

    void setSessions(boolean value);

    @Description("One element every this many milliseconds: one per batch")
    @Default.Long(1000)
    long getElementEveryMillis();

    void setElementEveryMillis(long value);
  }

  private KeyedStateJob() {}

  public static void main(String[] args) throws Exception {
    Options options = PipelineOptionsFactory.fromArgs(args).as(Options.class);
    RunMeter meter = RunMeter.start();
    Pipeline pipeline = Pipeline.create(options);
    PCollection<KV<Long, Long>> ones =
        pipeline
            .apply(
                GenerateSequence.from(0)
                    .to(options.getLoadBatches() + options.getTouchBatches())
                    .withRate(1, Duration.millis(options.getElementEveryMillis())))
            .apply("Keys", ParDo.of(new Keys(options)));
    if (options.getSessions()) {
      ones = ones.apply(Window.into(Sessions.withGapDuration(Duration.standardMinutes(10))));
    }
    ones.apply(Count.perKey()).apply("Check", ParDo.of(new Tally()));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    long expected =
        options.getKeys() + options.getTouchBatches() * Keys.touched(options);
    long counted = counter(result, "counted");
    long emitted = counter(result, "emitted");
    System.out.printf(
        "RESULT counted=%d expected=%d emitted=%d maxHeapUsedMb=%d peakRssMb=%d%n",
        counted, expected, emitted, meter.stop().maxHeapUsedMb(), peakRssBytes() >> 20);
    System.exit(counted == expected ? 0 : 1);
  }

  private static long counter(PipelineResult result, String name) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(KeyedStateJob.class, name))
                    .build());
    long total = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      total += counter.getCommitted();
    }
    return total;
  }

  /** The element's keys, each with a count of one. */
  private static final class Keys extends DoFn<Long, KV<Long, Long>> {
    private final long keys;
    private final int loadBatches;
    private final long touched;

    Keys(Options options) {
      this.keys = options.getKeys();
      this.loadBatches = options.getLoadBatches();
      this.touched = touched(options);
    }

    static long touched(Options options) {
      return Math.round(options.getKeys() * options.getTouchPercent() / 100);
    }

    @ProcessElement
    public void process(@Element Long element, OutputReceiver<KV<Long, Long>> out) {
      if (element < loadBatches) {
        long from = keys * element / loadBatches;
        long to = keys * (element + 1) / loadBatches;
        for (long key = from; key < to; key++) {
          out.output(KV.of(key, 1L));
        }
      } else {
        SplittableRandom random = new SplittableRandom(element);
        for (long i = 0; i < touched; i++) {
          out.output(KV.of(random.nextLong(keys), 1L));
        }
      }
    }
  }

  /** Adds up the counts the job emits. */
  private static final class Tally extends DoFn<KV<Long, Long>, Void> {
    private final Counter counted = Metrics.counter(KeyedStateJob.class, "counted");
    private final Counter emitted = Metrics.counter(KeyedStateJob.class, "emitted");

    @ProcessElement
    public void process(@Element KV<Long, Long> count) {
      counted.inc(count.getValue());
      emitted.inc();
    }
  }

  /** The JVM's peak resident set (VmHWM), native memory (RocksDB's) included; 0 if unknown. */
  private static long peakRssBytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
