package dev.microbatch.benchmarks.nexmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/** The harness's command line: {@code --name=value} arguments, all optional. */
record HarnessOptions(
    List<Integer> queries,
    List<Mode> modes,
    long batchEvents,
    long streamingEvents,
    List<BenchRunner> runners,
    Path benchmarksDir,
    Path outputDir,
    Jvms jvms,
    Duration timeout,
    List<String> jvmArgs,
    List<String> nexmarkArgs,
    Map<BenchRunner, List<String>> runnerArgs) {

  /** How the runs are laid out over JVMs. */
  enum Jvms {
    /** One JVM per query and runner, interleaved per query: the measurement. */
    PER_QUERY("perQuery"),
    /** One JVM per runner runs every query, one after the other; its peak RSS is all of them. */
    PER_RUNNER("perRunner"),
    /**
     * As {@link #PER_RUNNER}, with the runners' JVMs all at the same time: quicker on several
     * cores, and the timings no longer compare. For smoke runs that check results only.
     */
    CONCURRENT("concurrent");

    final String id;

    Jvms(String id) {
      this.id = id;
    }
  }

  /** Nexmark's two modes: a bounded source, or an unbounded one read to its end. */
  enum Mode {
    BATCH,
    STREAMING;

    String id() {
      return name().toLowerCase();
    }
  }

  static final String USAGE =
      String.join(
          "\n",
          "Arguments (all optional):",
          "  --queries=0-12            Nexmark queries: numbers and ranges, comma-separated",
          "  --modes=batch,streaming   batch, streaming or both",
          "  --events=N                events per query in both modes",
          "  --batchEvents=100000      events per query in batch mode",
          "  --streamingEvents=10000   events per query in streaming mode",
          "  --runners=microbatch,flink,direct",
          "  --jvms=perQuery           perQuery: one JVM per query and runner, interleaved;",
          "                            perRunner: one JVM per runner and mode runs every query",
          "                            (Nexmark's SMOKE suite; its peak RSS is that of all);",
          "                            concurrent: as perRunner, the runners at the same time",
          "                            (a smoke run: timings do not compare)",
          "  --timeoutMinutes=30       deadline of each JVM",
          "  --benchmarksDir=benchmarks  where the nexmark-on-<runner> modules are",
          "  --outputDir=benchmarks/nexmark-harness/target/nexmark  logs, perf files, tables",
          "  --jvmArgs='...'           more JVM options for every JVM (space-separated)",
          "  --nexmarkArgs='...'       more Nexmark arguments for every run",
          "  --microbatchArgs='...', --flinkArgs='...', --directArgs='...'",
          "                            more arguments for one runner's runs only");

  static HarnessOptions parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'");
      }
      values.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    String events = values.remove("events");
    long batchEvents = Long.parseLong(values.getOrDefault("batchEvents", orElse(events, "100000")));
    long streamingEvents =
        Long.parseLong(values.getOrDefault("streamingEvents", orElse(events, "10000")));
    values.remove("batchEvents");
    values.remove("streamingEvents");
    List<Integer> queries = queries(take(values, "queries", "0-12"));
    List<Mode> modes = new ArrayList<>();
    for (String mode : list(take(values, "modes", "batch,streaming"))) {
      modes.add(Mode.valueOf(mode.toUpperCase()));
    }
    List<BenchRunner> runners = new ArrayList<>();
    for (String runner : list(take(values, "runners", "microbatch,flink,direct"))) {
      runners.add(byId(BenchRunner.values(), r -> r.id, runner, "--runners"));
    }
    Map<BenchRunner, List<String>> runnerArgs = new EnumMap<>(BenchRunner.class);
    for (BenchRunner runner : BenchRunner.values()) {
      runnerArgs.put(runner, words(take(values, runner.id + "Args", "")));
    }
    HarnessOptions options =
        new HarnessOptions(
            queries,
            List.copyOf(modes),
            batchEvents,
            streamingEvents,
            List.copyOf(runners),
            Path.of(take(values, "benchmarksDir", "benchmarks")).toAbsolutePath(),
            Path.of(take(values, "outputDir", "benchmarks/nexmark-harness/target/nexmark"))
                .toAbsolutePath(),
            byId(Jvms.values(), j -> j.id, take(values, "jvms", Jvms.PER_QUERY.id), "--jvms"),
            Duration.ofMinutes(Long.parseLong(take(values, "timeoutMinutes", "30"))),
            words(take(values, "jvmArgs", "")),
            words(take(values, "nexmarkArgs", "")),
            runnerArgs);
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("Unknown arguments: " + values.keySet());
    }
    if (batchEvents <= 0 || streamingEvents <= 0 || queries.isEmpty() || runners.isEmpty()) {
      throw new IllegalArgumentException("Events must be positive; queries and runners not empty");
    }
    return options;
  }

  long events(Mode mode) {
    return mode == Mode.BATCH ? batchEvents : streamingEvents;
  }

  /** The one of {@code values} whose id is {@code given}, or an error naming the option. */
  private static <E> E byId(E[] values, Function<E, String> id, String given, String option) {
    List<String> known = new ArrayList<>();
    for (E value : values) {
      if (id.apply(value).equals(given)) {
        return value;
      }
      known.add(id.apply(value));
    }
    throw new IllegalArgumentException(
        "Unknown " + option + " value '" + given + "' (known: " + String.join(", ", known) + ")");
  }

  private static String orElse(String value, String otherwise) {
    return value != null ? value : otherwise;
  }

  private static String take(Map<String, String> values, String name, String otherwise) {
    String value = values.remove(name);
    return value != null ? value : otherwise;
  }

  private static List<String> list(String commaSeparated) {
    List<String> items = new ArrayList<>();
    for (String item : commaSeparated.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  private static List<String> words(String spaceSeparated) {
    return spaceSeparated.isBlank()
        ? List.of()
        : List.copyOf(Arrays.asList(spaceSeparated.trim().split("\\s+")));
  }

  /** "0-3,7,11-12" as sorted query numbers, each one Nexmark knows. */
  static List<Integer> queries(String spec) {
    TreeSet<Integer> queries = new TreeSet<>();
    for (String item : list(spec)) {
      int dash = item.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? item : item.substring(0, dash).trim());
      int to = dash < 0 ? from : Integer.parseInt(item.substring(dash + 1).trim());
      for (int query = from; query <= to; query++) {
        if (query < 0 || query >= NexmarkQueries.count()) {
          throw new IllegalArgumentException(
              "No Nexmark query " + query + " (0 to " + (NexmarkQueries.count() - 1) + ")");
        }
        queries.add(query);
      }
    }
    return List.copyOf(queries);
  }
}
