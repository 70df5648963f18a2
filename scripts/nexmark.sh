#!/usr/bin/env bash
# Beam's Nexmark queries side by side on MicroBatchRunner, FlinkRunner (embedded, [local]) and
# DirectRunner: for each query, each runner in turn in a JVM of its own, started with that runner's
# classpath only; in batch and streaming mode. Prints one table per mode: events/s per runner
# (Nexmark's own measurement), ratios to FlinkRunner, each JVM's peak RSS, and the result counts
# checked across runners. Exits with 1 if a run failed or result counts differ where they must not.
#
#   scripts/nexmark.sh [--queries=0-12] [--modes=batch,streaming] [--batchEvents=100000]
#                      [--streamingEvents=10000] [--events=N] [--runners=microbatch,flink,direct]
#                      [--jvms=perQuery] [--timeoutMinutes=30] [--flinkArgs='...'] ...
#
# scripts/nexmark.sh --help lists every argument. It first builds the runner and the three
# runners' classpaths (mvn -pl benchmarks/nexmark-harness -am test-compile; MAVEN_ARGS is passed to
# Maven, e.g. MAVEN_ARGS="-o" to build offline). Logs, Nexmark's perf files and the tables go to
# benchmarks/nexmark-harness/target/nexmark/ unless --outputDir says otherwise.
set -euo pipefail
source "$(dirname "$0")/lib/module-classpath.sh"
root="$(cd "$(dirname "$0")/.." && pwd)"
classpath="$(module_classpath benchmarks/nexmark-harness runtime)"
# The defaults are absolute, so that it runs from any directory; arguments given override them.
exec "$(java_command)" -cp "$classpath" dev.microbatch.benchmarks.nexmark.NexmarkSideBySide \
  --benchmarksDir="$root/benchmarks" --outputDir="$root/benchmarks/nexmark-harness/target/nexmark" \
  "$@"
