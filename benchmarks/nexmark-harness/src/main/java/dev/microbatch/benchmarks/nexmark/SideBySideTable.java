package dev.microbatch.benchmarks.nexmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One mode's measurements, by query and runner, rendered as a Markdown table: events/s per runner
 * (Nexmark's own figure), each runner's ratio to FlinkRunner, peak RSS, and the result counts
 * checked across runners.
 */
final class SideBySideTable {

  /** One query on one runner: how its JVM ended and what Nexmark measured (null if nothing). */
  record Measurement(
      BenchRunner runner,
      int query,
      ChildJvm.Outcome outcome,
      PerfFile.QueryPerf perf,
      long expectedEvents,
      Path log) {

    /** What went wrong with this run, or null if nothing did. */
    String problem() {
      if (outcome.timedOut()) {
        return "stopped at its deadline after " + outcome.wallTime().toSeconds() + " s";
      }
      if (perf == null) {
        return outcome.exitCode() == 0
            ? "no perf line for the query"
            : "exit code " + outcome.exitCode() + ", no perf line";
      }
      if (!perf.errors().isEmpty()) {
        return "Nexmark reported " + String.join("; ", perf.errors());
      }
      if (perf.numEvents() != expectedEvents) {
        return "counted " + perf.numEvents() + " of " + expectedEvents + " events";
      }
      if (outcome.exitCode() != 0) {
        return "exit code " + outcome.exitCode();
      }
      return null;
    }
  }

  private final List<BenchRunner> runners;
  private final Map<Integer, Map<BenchRunner, Measurement>> byQuery = new TreeMap<>();

  SideBySideTable(List<BenchRunner> runners) {
    this.runners = List.copyOf(runners);
  }

  void add(Measurement measurement) {
    byQuery
        .computeIfAbsent(measurement.query(), q -> new EnumMap<>(BenchRunner.class))
        .put(measurement.runner(), measurement);
  }

  /** Failed runs and unexpected result mismatches, one line each; empty when all is well. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    byQuery.forEach(
        (query, measurements) -> {
          for (Measurement m : measurements.values()) {
            if (m.problem() != null) {
              problems.add(
                  "q" + query + " on " + m.runner().displayName + ": " + m.problem()
                      + " (log: " + m.log() + ")");
            }
          }
          if (failed(measurements).isEmpty()
              && !sameResults(measurements)
              && NexmarkQueries.resultCountDependsOn(query) == null) {
            problems.add("q" + query + ": result counts differ: " + resultCounts(measurements));
          }
        });
    return problems;
  }

  String render() {
    boolean withFlink = runners.contains(BenchRunner.FLINK);
    List<BenchRunner> others =
        runners.stream().filter(r -> r != BenchRunner.FLINK).collect(Collectors.toList());
    List<String> header = new ArrayList<>();
    List<String> align = new ArrayList<>();
    header.add("query");
    align.add("---");
    for (BenchRunner runner : runners) {
      header.add(runner.displayName + " events/s");
      align.add("---:");
    }
    if (withFlink) {
      for (BenchRunner runner : others) {
        header.add(shortName(runner) + " / Flink");
        align.add("---:");
      }
    }
    header.add("peak RSS MB (" + runnerInitials() + ")");
    align.add("---:");
    header.add("results (" + runnerInitials() + ")");
    align.add("---:");
    header.add("check");
    align.add("---");

    StringBuilder table = new StringBuilder();
    table.append(row(header)).append(row(align));
    byQuery.forEach(
        (query, measurements) -> {
          List<String> cells = new ArrayList<>();
          cells.add("q" + query);
          for (BenchRunner runner : runners) {
            double rate = eventsPerSec(measurements.get(runner));
            cells.add(rate > 0 ? String.format("%,.0f", rate) : "-");
          }
          if (withFlink) {
            double flink = eventsPerSec(measurements.get(BenchRunner.FLINK));
            for (BenchRunner runner : others) {
              double rate = eventsPerSec(measurements.get(runner));
              cells.add(rate > 0 && flink > 0 ? String.format("%.2fx", rate / flink) : "-");
            }
          }
          cells.add(
              runners.stream()
                  .map(r -> measurements.get(r))
                  .map(m -> m == null || m.outcome().peakRssKb() < 0
                      ? "-"
                      : String.format("%,d", m.outcome().peakRssKb() / 1024))
                  .collect(Collectors.joining(" / ")));
          cells.add(resultCounts(measurements));
          cells.add(check(query, measurements));
          table.append(row(cells));
        });
    if (withFlink) {
      table.append('\n');
      for (BenchRunner runner : others) {
        table.append(summaryAgainstFlink(runner)).append('\n');
      }
    }
    return table.toString();
  }

  /**
   * "MicroBatchRunner vs FlinkRunner: ahead on 10 of 13 queries, geometric mean 2.31x; peak RSS
   * at or below Flink's on 11 of 13".
   */
  private String summaryAgainstFlink(BenchRunner runner) {
    int compared = 0;
    int ahead = 0;
    double logSum = 0;
    int rssCompared = 0;
    int rssAtOrBelow = 0;
    for (Map<BenchRunner, Measurement> measurements : byQuery.values()) {
      double flink = eventsPerSec(measurements.get(BenchRunner.FLINK));
      double rate = eventsPerSec(measurements.get(runner));
      if (flink > 0 && rate > 0) {
        compared++;
        ahead += rate > flink ? 1 : 0;
        logSum += Math.log(rate / flink);
      }
      Measurement flinkRun = measurements.get(BenchRunner.FLINK);
      Measurement run = measurements.get(runner);
      if (flinkRun != null && run != null
          && flinkRun.outcome().peakRssKb() > 0 && run.outcome().peakRssKb() > 0) {
        rssCompared++;
        rssAtOrBelow += run.outcome().peakRssKb() <= flinkRun.outcome().peakRssKb() ? 1 : 0;
      }
    }
    if (compared == 0) {
      return runner.displayName + " vs FlinkRunner: nothing to compare";
    }
    return String.format(
        "%s vs FlinkRunner: ahead on %d of %d queries, geometric mean of the ratios %.2fx;"
            + " peak RSS at or below Flink's on %d of %d",
        runner.displayName,
        ahead,
        compared,
        Math.exp(logSum / compared),
        rssAtOrBelow,
        rssCompared);
  }

  private String check(int query, Map<BenchRunner, Measurement> measurements) {
    List<String> failed = failed(measurements);
    if (!failed.isEmpty()) {
      return "FAILED: " + String.join(", ", failed);
    }
    if (sameResults(measurements)) {
      return "same";
    }
    String dependsOn = NexmarkQueries.resultCountDependsOn(query);
    return dependsOn != null ? "differs: depends on " + dependsOn + " (expected)" : "MISMATCH";
  }

  private List<String> failed(Map<BenchRunner, Measurement> measurements) {
    List<String> failed = new ArrayList<>();
    for (BenchRunner runner : runners) {
      Measurement m = measurements.get(runner);
      if (m == null) {
        failed.add(runner.displayName + " not run");
      } else if (m.problem() != null) {
        failed.add(runner.displayName + " " + m.problem());
      }
    }
    return failed;
  }

  private boolean sameResults(Map<BenchRunner, Measurement> measurements) {
    return runners.stream()
            .map(r -> measurements.get(r))
            .map(m -> m == null || m.perf() == null ? null : m.perf().results())
            .distinct()
            .count()
        == 1;
  }

  private String resultCounts(Map<BenchRunner, Measurement> measurements) {
    List<String> counts =
        runners.stream()
            .map(r -> measurements.get(r))
            .map(m -> m == null || m.perf() == null ? "-" : String.format("%,d", m.perf().results()))
            .collect(Collectors.toList());
    return counts.stream().distinct().count() == 1 ? counts.get(0) : String.join(" / ", counts);
  }

  private static double eventsPerSec(Measurement m) {
    return m == null || m.problem() != null ? -1 : m.perf().eventsPerSec();
  }

  private String runnerInitials() {
    return runners.stream().map(SideBySideTable::shortName).collect(Collectors.joining(" / "));
  }

  private static String shortName(BenchRunner runner) {
    return switch (runner) {
      case MICROBATCH -> "MicroBatch";
      case FLINK -> "Flink";
      case DIRECT -> "Direct";
    };
  }

  private static String row(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }
}
