package dev.microbatch.examples.bench;

import dev.microbatch.examples.PlainWordCount;
import dev.microbatch.examples.WordCount;
import dev.microbatch.examples.WordCountOutput;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;

/**
 * WordCount on MicroBatchRunner and on DirectRunner (as shipped, and with its immutability and
 * encodability checks off), on the same generated text, in the same JVM: one warm-up round and
 * several measured rounds, each round running every variant once, in an order rotated per round so
 * that none always runs on the heap left by the same other. Every run's output is checked against a
 * plain Java count of the text.
 *
 * <p>Settings are system properties: {@code bench.sizeMb} (200; or the first argument), {@code
 * bench.rounds} (3 measured), {@code bench.warmups} (1), {@code bench.dir} (target/bench), {@code
 * bench.variants} (all: microbatchrunner,directrunner,directrunner-no-enforcement), {@code
 * bench.timeoutMin} (20 per run; a run still going then has its threads dumped and is cancelled,
 * and its runner is not run again). The "load" column is the OS's 1-minute load average when the
 * run ended: other processes on the machine make a run slower.
 */
public final class WordCountBenchmark {

  private final Path dir = Path.of(System.getProperty("bench.dir", "target/bench"));
  private final int rounds = Integer.getInteger("bench.rounds", 3);
  private final int warmups = Integer.getInteger("bench.warmups", 1);
  private final long timeoutMinutes = Long.getLong("bench.timeoutMin", 20);
  private final List<Variant> variants = selectedVariants();
  private final Map<Variant, List<Double>> measured = new LinkedHashMap<>();
  private final Set<Variant> failed = new HashSet<>();
  private boolean allCorrect = true;

  public static void main(String[] args) throws Exception {
    int sizeMb =
        args.length > 0 ? Integer.parseInt(args[0]) : Integer.getInteger("bench.sizeMb", 200);
    boolean ok = new WordCountBenchmark().run(sizeMb);
    System.exit(ok ? 0 : 1);
  }

  private static List<Variant> selectedVariants() {
    String wanted = System.getProperty("bench.variants", "");
    if (wanted.isBlank()) {
      return Variant.ALL;
    }
    List<String> slugs = Arrays.asList(wanted.split(","));
    List<Variant> selected =
        Variant.ALL.stream().filter(v -> slugs.contains(v.slug())).collect(Collectors.toList());
    if (selected.size() != slugs.size()) {
      throw new IllegalArgumentException(
          "bench.variants="
              + wanted
              + ": known variants are "
              + Variant.ALL.stream().map(Variant::slug).collect(Collectors.joining(",")));
    }
    return selected;
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
        "  reference  plain Java, 1 thread: %,d distinct words, %,d words, %.1f s%n",
        expected.size(), total(expected), (System.nanoTime() - t0) / 1e9);
    printEnvironment();

    System.out.printf(
        "%n%-12s %-30s %9s %8s %14s %6s  %s%n",
        "round", "variant", "wall s", "gc s", "max heap MB", "load", "counts");
    for (int round = 0; round < warmups + rounds; round++) {
      String roundName = round < warmups ? round + " warm-up" : round + " measured";
      for (int i = 0; i < variants.size(); i++) {
        Variant variant = variants.get((i + round) % variants.size());
        if (!failed.contains(variant)) {
          runOnce(roundName, round >= warmups, variant, input, expected);
        }
      }
    }
    printSummary();
    return allCorrect && failed.isEmpty();
  }

  private void printEnvironment() {
    Runtime runtime = Runtime.getRuntime();
    String gcs =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", "));
    System.out.printf(
        "  JVM        %s %s, %d cores, max heap %,d MB, GC %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        runtime.availableProcessors(),
        runtime.maxMemory() / (1024 * 1024),
        gcs);
    System.out.printf(
        "  JVM args   %s%n",
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    for (Variant variant : variants) {
      System.out.printf(
          "  variant    %-30s %s  %s%n", variant.label(), variant.parallelism(), variant.args());
    }
    System.out.printf(
        "  rounds     %d warm-up + %d measured, variant order rotated every round%n",
        warmups, rounds);
  }

  private void runOnce(
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
        dumpThreads(variant);
        result.cancel();
        failed.add(variant);
      } else {
        Map<String, Long> counts = files.read().counts();
        verdict =
            counts.equals(expected) ? "OK" : "WRONG" + PlainWordCount.differences(expected, counts);
      }
    } catch (Throwable t) {
      reading = meter.stop();
      verdict = "FAILED: " + t;
      System.out.println("Run failed; " + variant.label() + " is not run again:");
      t.printStackTrace(System.out);
      failed.add(variant);
    }
    allCorrect &= verdict.equals("OK");
    if (measure && verdict.equals("OK")) {
      measured.computeIfAbsent(variant, v -> new ArrayList<>()).add(reading.seconds());
    }
    System.out.printf(
        "%-12s %-30s %9.2f %8.2f %14d %6.1f  %s%n",
        roundName,
        variant.label(),
        reading.seconds(),
        reading.gcSeconds(),
        reading.maxHeapUsedMb(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        verdict);
  }

  /** Where a run that takes too long is busy, before it is cancelled. */
  private static void dumpThreads(Variant variant) {
    System.out.printf("%n%s is still running; its busiest-looking threads:%n", variant.label());
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              ThreadGroup group = thread.getThreadGroup();
              boolean jvmThread = group != null && "system".equals(group.getName());
              if (thread.getState() == Thread.State.RUNNABLE
                  && thread != Thread.currentThread()
                  && !jvmThread
                  && stack.length > 0) {
                System.out.println("\"" + thread.getName() + "\" " + thread.getState());
                Stream.of(stack).limit(30).forEach(frame -> System.out.println("    at " + frame));
              }
            });
  }

  private void printSummary() {
    System.out.printf("%nMeasured runs (wall-clock seconds)%n");
    Map<Variant, Double> medians = new LinkedHashMap<>();
    for (Variant variant : variants) {
      List<Double> times = measured.getOrDefault(variant, List.of());
      if (times.isEmpty()) {
        System.out.printf("  %-30s no successful measured run%n", variant.label());
        continue;
      }
      double median = median(times);
      medians.put(variant, median);
      System.out.printf(
          "  %-30s median %7.2f   runs %s%n",
          variant.label(),
          median,
          times.stream().map(t -> String.format("%.2f", t)).collect(Collectors.joining(", ")));
    }
    Double micro = medians.get(Variant.MICRO_BATCH);
    for (Variant direct : List.of(Variant.DIRECT, Variant.DIRECT_UNCHECKED)) {
      if (micro != null && medians.containsKey(direct)) {
        System.out.printf(
            "  ratio %s / MicroBatchRunner (medians): %.2f%n",
            direct.label(), medians.get(direct) / micro);
      }
    }
    System.out.println(
        allCorrect && failed.isEmpty()
            ? "  every run's counts equal the plain Java count (so all runners agree)"
            : "  SOME RUNS FAILED OR COUNTED WRONG: see above");
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().collect(Collectors.toList());
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
