package dev.microbatch.benchmarks.nexmark;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;

import java.util.List;
import org.junit.Test;

/**
 * CI's smoke run of the Nexmark comparison: the queries of {@code nexmarkSmoke.queries} (set in
 * the pom) on tiny inputs, in batch mode, on MicroBatchRunner, FlinkRunner and DirectRunner, one
 * JVM per runner with that runner's classpath (built by the nexmark-on-* modules before this one),
 * the three at the same time. It checks that every run completes, counts every event, and that
 * the result counts agree across runners (but where they depend on bundling or processing time:
 * q6, q10, q12). It asserts no timing: the table it prints is for reading.
 */
public class NexmarkSmokeTest {

  @Test
  public void everyQueryRunsOnEveryRunnerWithTheSameResults() throws Exception {
    HarnessOptions options =
        HarnessOptions.parse(
            "--queries=" + System.getProperty("nexmarkSmoke.queries", "0,3,4,5,8,11"),
            "--modes=batch",
            "--events=" + System.getProperty("nexmarkSmoke.events", "1000"),
            // Results are checked, timings are not: the runners may share the cores.
            "--jvms=concurrent",
            // A JVM runs all its queries; on tiny inputs that takes minutes at most.
            "--timeoutMinutes=10",
            "--benchmarksDir=" + System.getProperty("nexmark.benchmarksDir"),
            "--outputDir=" + System.getProperty("nexmark.outputDir"));

    List<String> problems = NexmarkSideBySide.run(options, System.out);

    assertThat(problems, empty());
  }
}
