package dev.microbatch.benchmarks.nexmark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.benchmarks.nexmark.HarnessOptions.Mode;
import java.util.List;
import org.junit.Test;

/** The harness's command line. */
public class HarnessOptionsTest {

  @Test
  public void defaultsAreAllThirteenQueriesInBothModesOnAllThreeRunners() {
    HarnessOptions options = HarnessOptions.parse();

    assertEquals(13, options.queries().size());
    assertEquals(List.of(Mode.BATCH, Mode.STREAMING), options.modes());
    assertEquals(100_000, options.events(Mode.BATCH));
    assertEquals(10_000, options.events(Mode.STREAMING));
    assertEquals(
        List.of(BenchRunner.MICROBATCH, BenchRunner.FLINK, BenchRunner.DIRECT), options.runners());
    assertEquals(HarnessOptions.Jvms.PER_QUERY, options.jvms());
  }

  @Test
  public void readsRangesEventsAndPerRunnerArguments() {
    HarnessOptions options =
        HarnessOptions.parse(
            "--queries=11-12,0,3",
            "--modes=streaming",
            "--events=500",
            "--runners=flink,microbatch",
            "--jvms=perRunner",
            "--flinkArgs=--fasterCopy=true  --parallelism=2");

    assertEquals(List.of(0, 3, 11, 12), options.queries());
    assertEquals(List.of(Mode.STREAMING), options.modes());
    assertEquals(500, options.events(Mode.BATCH));
    assertEquals(500, options.events(Mode.STREAMING));
    assertEquals(List.of(BenchRunner.FLINK, BenchRunner.MICROBATCH), options.runners());
    assertEquals(HarnessOptions.Jvms.PER_RUNNER, options.jvms());
    assertEquals(
        List.of("--fasterCopy=true", "--parallelism=2"),
        options.runnerArgs().get(BenchRunner.FLINK));
    assertEquals(List.of(), options.runnerArgs().get(BenchRunner.MICROBATCH));
  }

  @Test
  public void refusesUnknownArgumentsRunnersAndQueries() {
    assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse("--querys=1"));
    assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse("--runners=spark"));
    assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse("--queries=0-17"));
    assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse("query=1"));
  }
}
