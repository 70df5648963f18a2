/**
 * Benchmarks: WordCount on the MicroBatchRunner against Beam's DirectRunner, and the runner's
 * Kafka-to-Kafka throughput against plain Kafka clients on an embedded broker. They live with the
 * test sources because the DirectRunner and the Kafka broker are test-scope dependencies of the
 * examples and must stay so; their class names do not end in "Test", so surefire never runs them as
 * part of a build.
 */
package dev.microbatch.examples.bench;
