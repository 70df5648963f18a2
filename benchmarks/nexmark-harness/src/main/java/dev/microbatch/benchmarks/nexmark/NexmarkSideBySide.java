package dev.microbatch.benchmarks.nexmark;

import dev.microbatch.benchmarks.nexmark.HarnessOptions.Mode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs Nexmark's queries on each runner, interleaved per query (for each query: every runner in
 * turn, each in a JVM of its own with its own classpath), in each mode, and prints one table per
 * mode. Exits with 1 if a run failed or result counts differ where they must not.
 *
 * <p>Run through {@code scripts/nexmark.sh}, which builds the runners' classpaths first; its
 * {@code --help} lists the arguments.
 */
public final class NexmarkSideBySide {

  /** Every JVM gets these, whatever its runner, so that they differ in classpath only. */
  private static final List<String> JVM_ARGS =
      List.of(
          // Flink 1.19 (Kryo, its memory manager) reaches into JDK internals Java 17 closes.
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          // Warnings and errors only: the runners' INFO lines (one per batch here, Flink's task
          // life cycle) would be measured too.
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

  private static final String NEXMARK_MAIN = "org.apache.beam.sdk.nexmark.Main";

  private NexmarkSideBySide() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (List.of(args).contains("--help")) {
      System.out.println(HarnessOptions.USAGE);
      return;
    }
    HarnessOptions options;
    try {
      options = HarnessOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(HarnessOptions.USAGE);
      System.exit(2);
      return;
    }
    List<String> problems = run(options, System.out);
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  /** Runs everything {@code options} asks for; returns the problems found (empty: none). */
  static List<String> run(HarnessOptions options, PrintStream out)
      throws IOException, InterruptedException {
    Map<BenchRunner, String> classpaths = classpaths(options);
    Files.createDirectories(options.outputDir());
    List<String> problems = new ArrayList<>();
    for (Mode mode : options.modes()) {
      String title = title(options, mode);
      out.println(title);
      SideBySideTable table = new SideBySideTable(options.runners());
      switch (options.jvms()) {
        case PER_QUERY -> {
          for (int query : options.queries()) {
            for (BenchRunner runner : options.runners()) {
              runJvm(options, mode, runner, List.of(query), classpaths.get(runner), out)
                  .forEach(table::add);
            }
          }
        }
        case PER_RUNNER -> {
          for (BenchRunner runner : options.runners()) {
            runJvm(options, mode, runner, options.queries(), classpaths.get(runner), out)
                .forEach(table::add);
          }
        }
        case CONCURRENT -> runConcurrently(options, mode, classpaths, out).forEach(table::add);
      }
      String rendered = table.render();
      String done = "Load average (1, 5, 15 min) at the end: " + loadAverage();
      out.println();
      out.print(rendered);
      out.println(done);
      out.println();
      Path tableFile = options.outputDir().resolve("nexmark-" + mode.id() + ".md");
      Files.writeString(tableFile, title + "\n\n" + rendered + "\n" + done + "\n");
      out.println("Table written to " + tableFile);
      problems.addAll(table.problems());
    }
    if (problems.isEmpty()) {
      out.println(
          "Nexmark side by side: every run completed; result counts checked across runners:"
              + " all agree (or differ where they depend on bundling or processing time: q6,"
              + " q10, q12)");
    } else {
      out.println("Nexmark side by side: " + problems.size() + " problem(s):");
      problems.forEach(problem -> out.println("  " + problem));
    }
    return problems;
  }

  /** Every runner's JVM at the same time, each running every query. */
  private static List<SideBySideTable.Measurement> runConcurrently(
      HarnessOptions options, Mode mode, Map<BenchRunner, String> classpaths, PrintStream out)
      throws IOException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(options.runners().size());
    try {
      List<Future<List<SideBySideTable.Measurement>>> runs = new ArrayList<>();
      for (BenchRunner runner : options.runners()) {
        runs.add(
            pool.submit(
                () ->
                    runJvm(options, mode, runner, options.queries(), classpaths.get(runner), out)));
      }
      List<SideBySideTable.Measurement> measurements = new ArrayList<>();
      for (Future<List<SideBySideTable.Measurement>> run : runs) {
        // Each JVM is stopped at its own deadline; this one only guards against the harness.
        measurements.addAll(run.get(options.timeout().toMinutes() + 1, TimeUnit.MINUTES));
      }
      return measurements;
    } catch (ExecutionException e) {
      throw new IOException("A runner's JVM could not be run", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("A runner's JVM outlived its deadline by a minute", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One JVM of {@code runner} running {@code queries} (Nexmark's SMOKE suite for several). */
  private static List<SideBySideTable.Measurement> runJvm(
      HarnessOptions options,
      Mode mode,
      BenchRunner runner,
      List<Integer> queries,
      String classpath,
      PrintStream out)
      throws IOException, InterruptedException {
    long events = options.events(mode);
    String name =
        (queries.size() == 1 ? "q" + queries.get(0) : "queries") + "-" + runner.id;
    Path dir = options.outputDir().resolve(mode.id());
    Path perfFile = dir.resolve(name + ".perf");
    Path log = dir.resolve(name + ".log");
    Files.createDirectories(dir);
    // Nexmark appends to its perf file: a file left from an earlier run would be read as this one.
    Files.deleteIfExists(perfFile);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_ARGS);
    command.addAll(options.jvmArgs());
    command.add("-cp");
    command.add(classpath);
    command.add(NEXMARK_MAIN);
    command.addAll(runner.runnerArgs);
    command.add("--streaming=" + (mode == Mode.STREAMING));
    command.add("--numEvents=" + events);
    command.add("--manageResources=false");
    command.add("--monitorJobs=true");
    command.add("--perfFilename=" + perfFile);
    if (queries.size() == 1) {
      command.add("--query=" + queries.get(0));
    } else {
      // SMOKE runs every query Nexmark knows, one after the other; --numEvents overrides its
      // per-query sizes.
      command.add("--suite=SMOKE");
      command.add(
          "--skipQueries="
              + IntStream.range(0, NexmarkQueries.count())
                  .filter(q -> !queries.contains(q))
                  .mapToObj(Integer::toString)
                  .collect(Collectors.joining(",")));
    }
    command.addAll(options.nexmarkArgs());
    command.addAll(options.runnerArgs().get(runner));

    String what = mode.id() + " " + name.replace('-', ' ') + " on " + runner.displayName;
    ChildJvm.Outcome outcome = ChildJvm.run(command, log, options.timeout(), what, out);
    Map<Integer, PerfFile.QueryPerf> perfs =
        Files.exists(perfFile) ? PerfFile.read(perfFile) : Map.of();
    List<SideBySideTable.Measurement> measurements = new ArrayList<>();
    for (int query : queries) {
      SideBySideTable.Measurement m =
          new SideBySideTable.Measurement(runner, query, outcome, perfs.get(query), events, log);
      measurements.add(m);
      out.println(progressLine(mode, m));
    }
    return measurements;
  }

  private static String progressLine(Mode mode, SideBySideTable.Measurement m) {
    String head = String.format("%s q%-2d %-16s", mode.id(), m.query(), m.runner().displayName);
    String tail =
        String.format(
            "peak RSS %,d MB, JVM %.1f s",
            Math.max(m.outcome().peakRssKb(), 0) / 1024,
            m.outcome().wallTime().toMillis() / 1000.0);
    if (m.problem() != null) {
      return head + " FAILED: " + m.problem() + "; " + tail + " (log: " + m.log() + ")";
    }
    return String.format(
        "%s %,12.0f events/s, %,d results, runtime %.1f s, %s",
        head, m.perf().eventsPerSec(), m.perf().results(), m.perf().runtimeSec(), tail);
  }

  private static Map<BenchRunner, String> classpaths(HarnessOptions options) throws IOException {
    Map<BenchRunner, String> classpaths = new EnumMap<>(BenchRunner.class);
    for (BenchRunner runner : options.runners()) {
      Path file = runner.classpathFile(options.benchmarksDir());
      if (!Files.isRegularFile(file)) {
        throw new IOException(
            "No classpath for "
                + runner.displayName
                + " at "
                + file
                + ": build it first (mvn -B -q package -DskipTests -pl"
                + " benchmarks/nexmark-harness -am, or scripts/nexmark.sh)");
      }
      classpaths.put(runner, Files.readString(file).trim());
    }
    return classpaths;
  }

  private static String title(HarnessOptions options, Mode mode) {
    return String.format(
        "## Nexmark, %s mode, %,d events per query, %s (%s); %d cores, Java %s, load average"
            + " (1, 5, 15 min) at the start: %s",
        mode.id(),
        options.events(mode),
        switch (options.jvms()) {
          case PER_QUERY -> "one JVM per query and runner, interleaved per query";
          case PER_RUNNER -> "one JVM per runner running every query, peak RSS of all of them";
          case CONCURRENT -> "one JVM per runner running every query, the runners at the same"
              + " time: a smoke run, timings do not compare";
        },
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        loadAverage());
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }
}
