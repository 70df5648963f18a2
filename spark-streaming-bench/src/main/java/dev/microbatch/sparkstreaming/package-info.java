/**
 * The examples' KafkaWordCount written as a Spark Streaming (DStream) application with a direct
 * Kafka stream, as a Spark user would write it: the baseline the examples' Spark Streaming
 * benchmark runs beside this runner's Spark backend on one loopback cluster. It logs each completed
 * batch as a JSON line with the fields of the runner's event log, so that one reader serves both.
 */
package dev.microbatch.sparkstreaming;
