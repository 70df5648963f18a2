package dev.microbatch.examples.bench;

import dev.microbatch.examples.PlainWordCount;
import dev.microbatch.examples.WordCount;
import dev.microbatch.examples.WordCountOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;

/**
 * WordCount on MicroBatchRunner and on DirectRunner (as shipped, and with its immutability and
 * encodability checks off), on the same generated text, in the same JVM: one warm-up round and
 * several measured rounds, each round running every variant once, in an order rotated per round so
 * that none always runs on the heap left by the same other. Every run's output is checked against a
 * plain Java count of the text. Three plain Java counts run in the same rounds as references: on
 * one thread a hand-written letter scan, and the pipeline's own regular-expression split (the same
 * work per line as the pipeline's); and that split on every core, each thread counting its share of
 * the file (what the cores give without a runner). The summary gives each runner's speed relative
 * to each, from medians.
 *
 * <p>Settings are system properties: {@code bench.sizeMb} (200; or the first argument), {@code
 * bench.rounds} (3 measured), {@code bench.warmups} (1), {@code bench.dir} (target/bench), {@code
 * bench.variants} (all:
 * microbatchrunner,microbatchrunner-ui-off,directrunner,directrunner-no-enforcement), {@code
 * bench.timeoutMin} (20 per run; a run still going then has its threads dumped and is cancelled,
 * and its runner is not run again). The "load" column is the OS's 1-minute load average when the
 * run ended: other processes on the machine make a run slower.
 */
public final class WordCountBenchmark {

  private final Path dir = Path.of(System.getProperty("bench.dir", "target/bench"));
  private final Rounds rounds = Rounds.fromSystemProperties();
  private final long timeoutMinutes = Long.getLong("bench.timeoutMin", 20);
  private final List<Variant> variants = BenchSupport.selectedVariants(Variant.ALL, Variant::slug);
  /** The plain Java counts, then the runners: all are timed in every round. */
  private final List<Contender> contenders = contenders(variants);
  private final Measurements<Contender> measurements = new Measurements<>();

  public static void main(String[] args) throws Exception {
    int sizeMb =
        args.length > 0 ? Integer.parseInt(args[0]) : Integer.getInteger("bench.sizeMb", 200);
    boolean ok = new WordCountBenchmark().run(sizeMb);
    System.exit(ok ? 0 : 1);
  }

  private boolean run(int sizeMb) throws Exception {
    System.out.println("WordCount benchmark: MicroBatchRunner vs DirectRunner");
    long t0 = System.nanoTime();
    Path input = ZipfText.ensure(dir.resolve("input"), sizeMb).toAbsolutePath();
    System.out.printf(
        "  input      %s (%,d bytes; ready in %.1f s)%n",
        input, Files.size(input), (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    Map<String, Long> expected = PlainWordCount.count(input);
    System.out.printf(
        "  expected   plain Java letter scan, 1 thread: %,d distinct words, %,d words, %.1f s"
            + " (cold; timed again in the rounds)%n",
        expected.size(), total(expected), (System.nanoTime() - t0) / 1e9);
    printEnvironment();

    System.out.printf(
        "%n%-12s %-30s %9s %8s %8s %14s %6s  %s%n",
        "round", "variant", "wall s", "cpu s", "gc s", "max heap MB", "load", "counts");
    rounds.run(
        contenders,
        measurements.failed(),
        (roundName, measure, contender) ->
            runOnce(roundName, measure, contender, input, expected));
    printSummary();
    return measurements.allCorrect();
  }

  private void printEnvironment() {
    BenchSupport.printJvm();
    for (Variant variant : variants) {
      System.out.printf(
          "  variant    %-30s %s  %s%n", variant.label(), variant.parallelism(), variant.args());
    }
    System.out.printf("  rounds     %s%n", rounds);
  }

  private static List<Contender> contenders(List<Variant> variants) {
    List<Contender> all = new ArrayList<>(PlainJavaCount.ALL);
    all.addAll(variants);
    return List.copyOf(all);
  }

  private void runOnce(
      String roundName,
      boolean measure,
      Contender contender,
      Path input,
      Map<String, Long> expected)
      throws Exception {
    if (contender instanceof PlainJavaCount plain) {
      runPlain(roundName, measure, plain, input, expected);
    } else {
      runPipeline(roundName, measure, (Variant) contender, input, expected);
    }
  }

  private void runPlain(
      String roundName,
      boolean measure,
      PlainJavaCount plain,
      Path input,
      Map<String, Long> expected) {
    System.gc();
    RunMeter meter = RunMeter.start();
    Map<String, Long> counts;
    try {
      counts = plain.count(input);
    } catch (Exception e) {
      throw new IllegalStateException(plain.label() + " failed on " + input, e);
    }
    report(roundName, measure, plain, meter.stop(), verdict(expected, counts));
  }

  private static String verdict(Map<String, Long> expected, Map<String, Long> counts) {
    return counts.equals(expected) ? "OK" : "WRONG" + PlainWordCount.differences(expected, counts);
  }

  private void runPipeline(
      String roundName, boolean measure, Variant variant, Path input, Map<String, Long> expected)
      throws Exception {
    String output =
        dir.resolve("output").resolve(variant.slug()).resolve("counts").toAbsolutePath().toString();
    WordCountOutput files = WordCountOutput.forPrefix(output);
    files.deleteShards();
    WordCount.Options options = variant.options(input.toString(), output);
    System.gc();
    Thread.sleep(500);

    RunMeter meter = RunMeter.start();
    String verdict;
    RunMeter.Reading reading;
    try {
      PipelineResult result = WordCount.createPipeline(options).run();
      PipelineResult.State state = result.waitUntilFinish(Duration.standardMinutes(timeoutMinutes));
      reading = meter.stop();
      if (state == null || !state.isTerminal()) {
        verdict =
            "TIMEOUT after " + timeoutMinutes + " min; " + variant.label() + " is not run again";
        BenchSupport.dumpBusyThreads(variant.label());
        result.cancel();
        measurements.fail(variant);
      } else {
        verdict = verdict(expected, files.read().counts());
      }
    } catch (Throwable t) {
      reading = meter.stop();
      verdict = "FAILED: " + t;
      System.out.println("Run failed; " + variant.label() + " is not run again:");
      t.printStackTrace(System.out);
      measurements.fail(variant);
    }
    report(roundName, measure, variant, reading, verdict);
  }

  private void report(
      String roundName,
      boolean measure,
      Contender contender,
      RunMeter.Reading reading,
      String verdict) {
    measurements.add(contender, measure, verdict.equals("OK"), reading.seconds());
    System.out.printf(
        "%-12s %-30s %9.2f %8.2f %8.2f %14d %6.1f  %s%n",
        roundName,
        contender.label(),
        reading.seconds(),
        reading.cpuSeconds(),
        reading.gcSeconds(),
        reading.maxHeapUsedMb(),
        BenchSupport.loadAverage(),
        verdict);
  }

  private void printSummary() {
    System.out.printf("%nMeasured runs (wall-clock seconds)%n");
    Map<Contender, Double> medians =
        measurements.printMedians(contenders, Contender::label, 30, "%7.2f");
    for (Variant variant : variants) {
      for (PlainJavaCount plain : PlainJavaCount.ALL) {
        if (medians.containsKey(variant) && medians.containsKey(plain)) {
          System.out.printf(
              "  speed of %s relative to %s (medians): %.2fx%n",
              variant.label(), plain.label(), medians.get(plain) / medians.get(variant));
        }
      }
    }
    Double micro = medians.get(Variant.MICRO_BATCH);
    for (Variant direct :
        List.of(Variant.MICRO_BATCH_UI_OFF, Variant.DIRECT, Variant.DIRECT_UNCHECKED)) {
      if (micro != null && medians.containsKey(direct)) {
        System.out.printf(
            "  ratio %s / MicroBatchRunner (medians): %.2f%n",
            direct.label(), medians.get(direct) / micro);
      }
    }
    System.out.println(
        measurements.allCorrect()
            ? "  every run's counts equal the plain Java count (so all runners agree)"
            : "  SOME RUNS FAILED OR COUNTED WRONG: see above");
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
