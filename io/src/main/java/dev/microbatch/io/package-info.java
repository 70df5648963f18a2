/**
 * Inputs and outputs that need runner support: Impulse, bounded sources sliced into batches and
 * split across partitions, unbounded sources read split by split, TestStream, and (in {@code
 * kafka}) the direct Kafka input and the transactional Kafka sink.
 */
package dev.microbatch.io;
