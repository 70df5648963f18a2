/**
 * Inputs and outputs that need runner support: Impulse, bounded sources sliced into batches and
 * split across partitions. Kafka offset ranges and transactional sinks will live here too.
 */
package dev.microbatch.io;
