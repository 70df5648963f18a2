/**
 * Benchmarks: WordCount on the MicroBatchRunner against Beam's DirectRunner, the runner's
 * Kafka-to-Kafka throughput against plain Kafka clients on an embedded broker, and the per-batch
 * overhead of the Kafka word count on the runner's Spark backend against the same word count as a
 * Spark Streaming application, both submitted to one loopback Spark cluster. They live with the
 * test sources because the DirectRunner and the Kafka broker are test-scope dependencies of the
 * examples and must stay so; their class names do not end in "Test", so surefire never runs them as
 * part of a build.
 */
package dev.microbatch.examples.bench;
