/**
 * Kafka tooling for trying the Kafka examples by hand: a local broker ({@code
 * scripts/kafka-local-broker.sh}) and a command-line producer and reader of text lines ({@code
 * scripts/kafka-lines.sh}), both in one runnable jar. It is a module of its own because the broker
 * comes from the Kafka server artifacts, which the examples themselves must not need: they only
 * need the Kafka client.
 */
package dev.microbatch.examples.kafka;
