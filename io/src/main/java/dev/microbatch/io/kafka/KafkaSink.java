package dev.microbatch.io.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
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
 * writer DoFn): producers kept for the run and lent to the stage tasks that write, one task at a
 * time, so that there are as many as tasks write at once (as KafkaIO's writer has one per DoFn
 * instance) rather than one per task. Each task sends through its own {@link TaskWriter} and, as
 * it finishes, waits (bounded) until Kafka has acknowledged every record it sent; a record Kafka
 * refused fails the task, so the batch is run again: at least once, as with KafkaIO's own writer.
 *
 * <p>Why not one producer shared by all tasks: a producer sends one batch per partition per
 * request, with at most five requests in flight, and a task often writes to few partitions (a
 * pass-through to a topic keyed as its input writes each record to the partition it was read from).
 * Tasks writing at once through one producer were bound by its round trips (its buffer stayed
 * full, every task waiting for room), and a task's flush waited for the others' records.
 */
public final class KafkaSink<K, V> implements AutoCloseable {

  /** How long closing a producer may take: what it has not sent by then is dropped. */
  private static final Duration CLOSE = Duration.ofSeconds(10);

  private final String name;
  private final KafkaIO.WriteRecords<K, V> spec;
  private final BoundedWaits waits;
  private final Duration deadline;
  /** Every producer this sink made, to be closed with it. */
  private final List<Producer<K, V>> producers = new ArrayList<>();
  /** The producers no task is writing with. */
  private final Deque<Producer<K, V>> idle = new ArrayDeque<>();
  private boolean closed;

  /** The sink of the transform named {@code name}, writing as {@code spec} says. */
  public KafkaSink(String name, KafkaIO.WriteRecords<K, V> spec) {
    this.name = name;
    this.spec = spec;
    this.waits = new BoundedWaits(name);
    this.deadline = BoundedWaits.producerDeadline(spec.getProducerConfig());
  }

  /** A writer for one task, sending through a producer no other task is writing with. */
  public TaskWriter writer() {
    return new TaskWriter(borrow());
  }

  private synchronized Producer<K, V> borrow() {
    if (closed) {
      throw new IllegalStateException(name + ": the sink is closed; no task may write to it");
    }
    Producer<K, V> producer = idle.poll();
    if (producer == null) {
      Map<String, Object> config = new HashMap<>(spec.getProducerConfig());
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, spec.getKeySerializer());
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, spec.getValueSerializer());
      producer =
          spec.getProducerFactoryFn() != null
              ? spec.getProducerFactoryFn().apply(config)
              : new KafkaProducer<>(config);
      producers.add(producer);
    }
    return producer;
  }

  private synchronized void giveBack(Producer<K, V> producer) {
    if (!closed) {
      idle.push(producer);
    }
  }

  /** How many producers this sink has made (for tests). */
  synchronized int producerCount() {
    return producers.size();
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
    private boolean released;

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
      // The producer is this task's alone, so its flush waits for this task's records only.
      try {
        waits.run("waiting for Kafka to acknowledge what it sent", deadline, producer::flush);
      } catch (Exception e) {
        // Records still unacknowledged at the deadline: not lent again, closed with the sink.
        released = true;
        throw e;
      }
      release();
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

    /**
     * Gives the producer back for other tasks to write with, once; after a failed task too (what
     * it had sent is acknowledged or refused to this writer, which nobody asks any more).
     */
    public void release() {
      if (!released) {
        released = true;
        giveBack(producer);
      }
    }
  }

  /** Closes the producers at the end of the run, each within {@link #CLOSE}. */
  @Override
  public void close() throws Exception {
    List<Producer<K, V>> closing;
    synchronized (this) {
      closed = true;
      closing = List.copyOf(producers);
      producers.clear();
      idle.clear();
    }
    Exception failure = null;
    try {
      for (Producer<K, V> producer : closing) {
        try {
          waits.closeProducer(producer, CLOSE);
        } catch (Exception e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    } finally {
      waits.close();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "KafkaSink[" + name + "]";
  }
}
