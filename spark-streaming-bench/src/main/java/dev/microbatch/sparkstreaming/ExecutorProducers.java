package dev.microbatch.sparkstreaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One Kafka producer per executor JVM and broker, made on first use and kept for the executor's
 * life: the usual way a Spark Streaming job writes to Kafka, since a producer is thread-safe and
 * costly to start. It is never closed: each task flushes and waits for its own records before it
 * ends, so nothing is pending when the executor goes.
 */
final class ExecutorProducers {

  private static final Map<String, KafkaProducer<String, String>> PRODUCERS =
      new ConcurrentHashMap<>();

  private ExecutorProducers() {}

  /** The records one task sends, to be waited for together. */
  static Sends sends(String bootstrapServers) {
    return new Sends(PRODUCERS.computeIfAbsent(bootstrapServers, ExecutorProducers::producer));
  }

  private static KafkaProducer<String, String> producer(String bootstrapServers) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
  }

  /** A task's sends through the shared producer. */
  static final class Sends {
    private final KafkaProducer<String, String> producer;
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();

    private Sends(KafkaProducer<String, String> producer) {
      this.producer = producer;
    }

    void send(String topic, String key, String value) {
      pending.add(producer.send(new ProducerRecord<>(topic, key, value)));
    }

    /** Flushes and waits for every record: a record the broker refused fails the task. */
    void awaitAll() throws Exception {
      producer.flush();
      for (Future<RecordMetadata> sent : pending) {
        sent.get();
      }
      pending.clear();
    }
  }
}
