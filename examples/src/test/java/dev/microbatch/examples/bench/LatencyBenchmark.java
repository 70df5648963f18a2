package dev.microbatch.examples.bench;

import dev.microbatch.examples.StreamingWordCount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end latency at several batch intervals, one after another: the streaming example ({@link
 * StreamingWordCount}: generated sentences, words counted per fixed window, one line per window) in
 * a JVM of its own per interval, long enough for the windows wanted after a warm-up. Each window's
 * line says how long after its latest word arrived (was handed to the pipeline) the window was
 * output; per interval it prints the minimum, median, p99 (nearest rank) and maximum of those, and
 * whether p99 is within 1.5 batch intervals.
 *
 * <p>Settings are system properties: {@code latencyBench.intervals} (1000,100,50,10 ms), {@code
 * latencyBench.windows} (measured windows per interval, 60), {@code latencyBench.windowSeconds}
 * (1), {@code latencyBench.warmupSeconds} (windows ending this long after the JVM's first window
 * are not measured, 10), {@code latencyBench.heap} (the child JVMs' -Xmx, 1g), {@code bench.dir}.
 */
public final class LatencyBenchmark {

  private static final Pattern WINDOW_LINE =
      Pattern.compile("printed (-?\\d+) ms after its last word arrived");

  private final Path dir =
      Path.of(System.getProperty("bench.dir", "target/bench")).resolve("latency");
  private final List<Long> intervals =
      Arrays.stream(System.getProperty("latencyBench.intervals", "1000,100,50,10").split(","))
          .map(String::trim)
          .map(Long::parseLong)
          .toList();
  private final int windows = Integer.getInteger("latencyBench.windows", 60);
  private final int windowSeconds = Integer.getInteger("latencyBench.windowSeconds", 1);
  private final int warmupSeconds = Integer.getInteger("latencyBench.warmupSeconds", 10);
  private final String heap = System.getProperty("latencyBench.heap", "1g");

  private record Row(long intervalMillis, List<Double> latencies, String failure) {}

  private LatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    new LatencyBenchmark().run();
  }

  private void run() throws Exception {
    System.out.printf(
        "Latency benchmark: StreamingWordCount, %d s windows, %d windows measured per interval after"
            + " %d s of warm-up; child JVMs -Xmx%s%n",
        windowSeconds, windows, warmupSeconds, heap);
    BenchSupport.printJvm();
    System.out.printf("  load average at start: %.2f%n", BenchSupport.loadAverage());
    List<Row> rows = new ArrayList<>();
    boolean allRan = true;
    for (long interval : intervals) {
      Row row = runOnce(interval);
      rows.add(row);
      allRan &= row.failure().isEmpty();
      System.out.printf(
          "  ran %5d ms batches: %s%n",
          interval, row.failure().isEmpty() ? row.latencies().size() + " windows" : row.failure());
    }
    System.out.println();
    System.out.println(
        "| batch interval | windows | min | median | p99 | max | p99 / interval | p99 within 1.5"
            + " intervals |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Row row : rows) {
      if (!row.failure().isEmpty()) {
        System.out.printf("| %d ms | %s |%n", row.intervalMillis(), row.failure());
        continue;
      }
      double p99 = BenchSupport.percentile(row.latencies(), 99);
      System.out.printf(
          "| %d ms | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.2f | %s |%n",
          row.intervalMillis(),
          row.latencies().size(),
          BenchSupport.percentile(row.latencies(), 0),
          BenchSupport.median(row.latencies()),
          p99,
          BenchSupport.percentile(row.latencies(), 100),
          p99 / row.intervalMillis(),
          p99 <= 1.5 * row.intervalMillis() ? "yes" : "no");
    }
    System.out.printf("  load average at end: %.2f%n", BenchSupport.loadAverage());
    System.exit(allRan ? 0 : 1);
  }

  private Row runOnce(long interval) throws Exception {
    Path runDir = dir.resolve(interval + "ms");
    Files.createDirectories(runDir);
    Path output = runDir.resolve("job.log");
    int warmupWindows = (warmupSeconds + windowSeconds - 1) / windowSeconds;
    int runSeconds = (windows + warmupWindows + 2) * windowSeconds;
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + heap,
            "-cp",
            System.getProperty("java.class.path"),
            StreamingWordCount.class.getName(),
            "--batchIntervalMillis=" + interval,
            "--windowSeconds=" + windowSeconds,
            "--runSeconds=" + runSeconds,
            "--uiPort=0",
            "--logEveryBatch=false");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!process.waitFor(runSeconds + 120L, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      return new Row(interval, List.of(), "TIMEOUT (see " + output + ")");
    }
    List<Double> latencies = new ArrayList<>();
    for (String line : Files.readAllLines(output)) {
      Matcher matcher = WINDOW_LINE.matcher(line);
      if (matcher.find()) {
        latencies.add(Double.parseDouble(matcher.group(1)));
      }
    }
    // The first windows see a cold JVM (class loading, JIT); the rest are measured.
    List<Double> measured =
        latencies.size() > warmupWindows
            ? latencies.subList(warmupWindows, latencies.size())
            : List.of();
    if (process.exitValue() != 0 || measured.size() < windows) {
      return new Row(
          interval,
          List.of(),
          "FAILED: exit "
              + process.exitValue()
              + ", "
              + measured.size()
              + " windows measured of "
              + windows
              + " (see "
              + output
              + ")");
    }
    return new Row(interval, measured, "");
  }
}
