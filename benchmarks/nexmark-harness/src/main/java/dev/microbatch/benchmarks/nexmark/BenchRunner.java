package dev.microbatch.benchmarks.nexmark;

import java.nio.file.Path;
import java.util.List;

/** A runner the harness compares, and how a Nexmark JVM selects it. */
enum BenchRunner {
  MICROBATCH("microbatch", "MicroBatchRunner", List.of("--runner=MicroBatchRunner")),
  // Embedded: Flink's mini cluster inside the JVM that runs Nexmark, as with our runner.
  FLINK("flink", "FlinkRunner", List.of("--runner=FlinkRunner", "--flinkMaster=[local]")),
  DIRECT("direct", "DirectRunner", List.of("--runner=DirectRunner"));

  /** Name on the command line ({@code --runners=...}, {@code --<id>Args=...}). */
  final String id;

  /** Name in tables, as {@code --runner} spells it. */
  final String displayName;

  /** Nexmark arguments that select this runner. */
  final List<String> runnerArgs;

  BenchRunner(String id, String displayName, List<String> runnerArgs) {
    this.id = id;
    this.displayName = displayName;
    this.runnerArgs = runnerArgs;
  }

  /** The classpath file the nexmark-on-{id} module writes for this runner's JVMs. */
  Path classpathFile(Path benchmarksDir) {
    return benchmarksDir.resolve("nexmark-on-" + id).resolve("target").resolve("classpath.txt");
  }
}
