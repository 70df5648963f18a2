/**
 * Beam's Nexmark queries side by side on MicroBatchRunner, FlinkRunner (embedded) and
 * DirectRunner: each query runs on each runner in a JVM of its own, with that runner's classpath
 * only; the harness reads Nexmark's own measurement (events/s, result count) from its perf file,
 * the JVM's peak RSS from {@code /proc}, and prints one table per mode with ratios to FlinkRunner
 * and the result counts checked across runners.
 */
package dev.microbatch.benchmarks.nexmark;
