/**
 * Kafka tooling for trying the Kafka examples by hand: a local broker ({@code
 * scripts/kafka-local-broker.sh}) and a command-line producer and reader of text lines ({@code
 * scripts/kafka-lines.sh}). It lives with the test sources because the broker comes from the Kafka
 * server artifacts, which are test-scope dependencies of the examples and must stay so: the
 * examples themselves only need the Kafka client.
 */
package dev.microbatch.examples.kafka;
