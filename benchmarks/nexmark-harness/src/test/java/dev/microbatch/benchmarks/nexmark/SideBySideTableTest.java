package dev.microbatch.benchmarks.nexmark;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** The table's figures and its checks of result counts across runners. */
public class SideBySideTableTest {

  private static final long EVENTS = 1000;
  private static final ChildJvm.Outcome OK =
      new ChildJvm.Outcome(0, false, 512 * 1024, Duration.ofSeconds(3));

  private final SideBySideTable table =
      new SideBySideTable(List.of(BenchRunner.MICROBATCH, BenchRunner.FLINK, BenchRunner.DIRECT));

  @Test
  public void agreeingCountsAreSameAndRatesAreComparedWithFlink() {
    add(0, 4000, 1000, 2000, 1000, 500, 1000);

    String rendered = table.render();

    assertThat(rendered, containsString("| q0 | 4,000 | 2,000 | 500 | 2.00x | 0.25x |"));
    assertThat(rendered, containsString("| 512 / 512 / 512 | 1,000 | same |"));
    assertThat(rendered, containsString("ahead on 1 of 1 queries, geometric mean of the ratios 2.00x"));
    assertThat(table.problems(), hasSize(0));
  }

  @Test
  public void differentCountsAreAMismatchButWhereTheyDependOnBundlingOrProcessingTime() {
    add(5, 4000, 2, 2000, 3, 500, 2);
    add(6, 4000, 2, 2000, 1, 500, 2);
    add(12, 4000, 30, 2000, 30, 500, 59);

    String rendered = table.render();

    assertThat(rendered, containsString("| 2 / 3 / 2 | MISMATCH |"));
    assertThat(rendered, containsString("| 2 / 1 / 2 | differs: depends on bundling into panes"));
    assertThat(rendered, containsString("| 30 / 30 / 59 | differs: depends on processing time"));
    assertThat(table.problems(), hasSize(1));
    assertThat(table.problems().get(0), startsWith("q5: result counts differ: 2 / 3 / 2"));
  }

  @Test
  public void aFailedRunIsFlaggedWithWhatWentWrong() {
    table.add(measurement(BenchRunner.MICROBATCH, 1, OK, 1000, 920, EVENTS));
    table.add(
        measurement(
            BenchRunner.FLINK, 1, new ChildJvm.Outcome(1, false, 100 * 1024, Duration.ZERO), -1, 0, 0));
    // Counted fewer events than it was given: a source that lost some.
    table.add(measurement(BenchRunner.DIRECT, 1, OK, 500, 920, 999));

    assertThat(table.render(), containsString("FAILED: FlinkRunner exit code 1, no perf line,"
        + " DirectRunner counted 999 of 1000 events"));
    assertThat(table.problems(), hasSize(2));
  }

  private void add(int query, double micro, long microResults, double flink, long flinkResults,
      double direct, long directResults) {
    table.add(measurement(BenchRunner.MICROBATCH, query, OK, micro, microResults, EVENTS));
    table.add(measurement(BenchRunner.FLINK, query, OK, flink, flinkResults, EVENTS));
    table.add(measurement(BenchRunner.DIRECT, query, OK, direct, directResults, EVENTS));
  }

  /** A run; {@code eventsPerSec} below 0 means Nexmark wrote no perf line. */
  private static SideBySideTable.Measurement measurement(
      BenchRunner runner, int query, ChildJvm.Outcome outcome, double eventsPerSec, long results,
      long events) {
    PerfFile.QueryPerf perf =
        eventsPerSec < 0
            ? null
            : new PerfFile.QueryPerf(query, events, eventsPerSec, results, 1.0, List.of());
    return new SideBySideTable.Measurement(
        runner, query, outcome, perf, EVENTS, Path.of("q" + query + "-" + runner.id + ".log"));
  }
}
