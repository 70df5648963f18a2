/**
 * Kafka, read and written the micro-batch way: the direct input fixes exact offset ranges per
 * partition and batch and checkpoints them; {@link dev.microbatch.io.kafka.TransactionalKafkaWrite}
 * publishes each batch in one transaction together with the offsets it consumed.
 */
package dev.microbatch.io.kafka;
