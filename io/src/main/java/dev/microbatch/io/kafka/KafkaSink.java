package dev.microbatch.io.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaPublishTimestampFunction;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.joda.time.Instant;

/**
 * The runtime of a {@code KafkaIO.write()} (not exactly-once) that the runner runs itself rather
 * than through KafkaIO's expansion (a ParDo making a ProducerRecord of each KV, then KafkaIO's
 * writer DoFn): one producer for the run, shared by the stage tasks that write (a producer is
 * thread-safe, and batches their records together). Each task sends through its own {@link
 * TaskWriter} and, as it finishes, waits (bounded) until Kafka has acknowledged every record it
 * sent; a record Kafka refused fails the task, so the batch is run again: at least once, as with
 * KafkaIO's own writer.
 */
public final class KafkaSink<K, V> implements AutoCloseable {

  /** How long closing the producer may take: what it has not sent by then is dropped. */
  private static final Duration CLOSE = Duration.ofSeconds(10);

  private final String name;
  private final KafkaIO.WriteRecords<K, V> spec;
  private final BoundedWaits waits;
  private final Duration deadline;
  private Producer<K, V> producer;

  /** The sink of the transform named {@code name}, writing as {@code spec} says. */
  public KafkaSink(String name, KafkaIO.WriteRecords<K, V> spec) {
    this.name = name;
    this.spec = spec;
    this.waits = new BoundedWaits(name);
    this.deadline = BoundedWaits.producerDeadline(spec.getProducerConfig());
  }

  /** A writer for one task, sending through the run's producer (created on first use). */
  public TaskWriter writer() {
    return new TaskWriter(producer());
  }

  private synchronized Producer<K, V> producer() {
    if (producer == null) {
      Map<String, Object> config = new HashMap<>(spec.getProducerConfig());
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, spec.getKeySerializer());
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, spec.getValueSerializer());
      producer =
          spec.getProducerFactoryFn() != null
              ? spec.getProducerFactoryFn().apply(config)
              : new KafkaProducer<>(config);
    }
    return producer;
  }

  /** One task's sends: what it sent, and what Kafka refused of it. */
  public final class TaskWriter {
    private final Producer<K, V> producer;
    private final AtomicReference<Exception> firstRefusal = new AtomicReference<>();
    private final AtomicLong refused = new AtomicLong();
    private final Callback callback =
        (metadata, error) -> {
          if (error != null) {
            refused.incrementAndGet();
            firstRefusal.compareAndSet(null, error);
          }
        };
    private long sent;

    private TaskWriter(Producer<K, V> producer) {
      this.producer = producer;
    }

    /**
     * Sends one record to the sink's topic, timestamped by the write's publish timestamp function
     * if it has one (from {@code elementTimestamp}), else by the producer.
     */
    public void send(K key, V value, Instant elementTimestamp) {
      KafkaPublishTimestampFunction<ProducerRecord<K, V>> publishTimestamp =
          spec.getPublishTimestampFunction();
      Long timestamp =
          publishTimestamp == null
              ? null
              : publishTimestamp
                  .getTimestamp(new ProducerRecord<>(spec.getTopic(), key, value), elementTimestamp)
                  .getMillis();
      producer.send(new ProducerRecord<>(spec.getTopic(), null, timestamp, key, value), callback);
      sent++;
    }

    /**
     * Waits until Kafka has acknowledged every record this task sent, and returns how many.
     *
     * @throws IOException naming the sink and topic if Kafka refused any, with the first refusal as
     *     its cause
     */
    public long finish() throws Exception {
      waits.run("waiting for Kafka to acknowledge what it sent", deadline, producer::flush);
      Exception first = firstRefusal.get();
      if (first != null) {
        throw new IOException(
            name
                + ": Kafka refused "
                + refused.get()
                + " of the "
                + sent
                + " records this task sent to topic "
                + spec.getTopic(),
            first);
      }
      return sent;
    }
  }

  /** Closes the producer at the end of the run, within {@link #CLOSE}. */
  @Override
  public synchronized void close() throws Exception {
    try {
      if (producer != null) {
        Producer<K, V> closing = producer;
        producer = null;
        waits.closeProducer(closing, CLOSE);
      }
    } finally {
      waits.close();
    }
  }

  @Override
  public String toString() {
    return "KafkaSink[" + name + "]";
  }
}
