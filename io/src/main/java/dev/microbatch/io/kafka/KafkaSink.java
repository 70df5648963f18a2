package dev.microbatch.io.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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
 * thread-safe). Each task sends through its own {@link TaskWriter}, which counts Kafka's answers
 * to that task's records, and as the task finishes it waits (bounded) until Kafka has answered
 * every record it sent; a record Kafka refused fails the task, so the batch is run again: at least
 * once, as with KafkaIO's own writer.
 *
 * <p>Why one producer rather than one per task writing at once: a producer sends at most one batch
 * per partition in a request, and a task often writes to few partitions (a pass-through to a topic
 * keyed as its input writes each record to the partition it was read from). Tasks writing at once
 * through one producer share its requests, which then carry a batch of each task's partitions; a
 * producer per task sent a request per batch, and the broker's and the sender threads' work per
 * request made every record dearer. A task waits for its own records only (its answers, not the
 * producer's {@code flush}, which would wait for the other tasks' records too).
 */
public final class KafkaSink<K, V> implements AutoCloseable {

  /** How long closing a producer may take: what it has not sent by then is dropped. */
  private static final Duration CLOSE = Duration.ofSeconds(10);

  private final String name;
  private final KafkaIO.WriteRecords<K, V> spec;
  private final BoundedWaits waits;
  private final Duration deadline;
  /** The producer tasks write with; none until a task writes, or after one was given up on. */
  private Optional<Producer<K, V>> current = Optional.empty();
  /** How many producers this sink has made. */
  private int made;
  private boolean closed;

  /** The sink of the transform named {@code name}, writing as {@code spec} says. */
  public KafkaSink(String name, KafkaIO.WriteRecords<K, V> spec) {
    this.name = name;
    this.spec = spec;
    this.waits = new BoundedWaits(name);
    this.deadline = BoundedWaits.producerDeadline(spec.getProducerConfig());
  }

  /** A writer for one task, sending through the run's producer. */
  public TaskWriter writer() {
    return new TaskWriter(producer());
  }

  private synchronized Producer<K, V> producer() {
    if (closed) {
      throw new IllegalStateException(name + ": the sink is closed; no task may write to it");
    }
    if (current.isEmpty()) {
      Map<String, Object> config = new HashMap<>(spec.getProducerConfig());
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, spec.getKeySerializer());
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, spec.getValueSerializer());
      Producer<K, V> producer =
          spec.getProducerFactoryFn() != null
              ? spec.getProducerFactoryFn().apply(config)
              : new KafkaProducer<>(config);
      current = Optional.of(producer);
      made++;
    }
    return current.get();
  }

  /**
   * {@code producer} left a task's records unanswered past the deadline: it is closed (within
   * {@link #CLOSE}, dropping what it still holds, so that the tasks still writing with it fail
   * rather than wait), and later tasks write with a new one. Only the first task to give up on it
   * closes it, so a long run that meets the deadline now and then keeps one producer open.
   */
  private void giveUp(Producer<K, V> producer) throws Exception {
    synchronized (this) {
      if (current.isEmpty() || current.get() != producer) {
        return;
      }
      current = Optional.empty();
    }
    waits.closeProducer(producer, CLOSE);
  }

  /** How many producers this sink has made (for tests). */
  synchronized int producerCount() {
    return made;
  }

  /** One task's sends: how many it sent, and how many of them Kafka has answered or refused. */
  public final class TaskWriter {
    private final Producer<K, V> producer;
    private final AtomicLong answered = new AtomicLong();
    /** What {@link #finish} waits on for the last answer. */
    private final Object answers = new Object();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicReference<Exception> firstRefusal = new AtomicReference<>();
    /** The count {@link #finish} waits for; none until then, so no answer before it wakes it. */
    private volatile long awaited = Long.MAX_VALUE;
    /** One for all the task's records: a callback per send would be an allocation per record. */
    private final Callback callback =
        (metadata, error) -> {
          if (error != null) {
            refused.incrementAndGet();
            firstRefusal.compareAndSet(null, error);
          }
          if (answered.incrementAndGet() == awaited) {
            synchronized (answers) {
              answers.notifyAll();
            }
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
      // Counted once sent: a send that throws (a record that cannot be serialized) gets no answer.
      sent++;
    }

    /**
     * Waits until Kafka has answered every record this task sent, and returns how many.
     *
     * @throws IOException naming the sink and topic if Kafka refused any, with the first refusal as
     *     its cause
     */
    public long finish() throws Exception {
      try {
        waits.run(
            "waiting for Kafka to acknowledge the " + sent + " records a task sent",
            deadline,
            this::awaitAnswers);
      } catch (Exception e) {
        try {
          giveUp(producer);
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
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

    /** Blocks until every record sent is answered; the watchdog interrupts it at the deadline. */
    private void awaitAnswers() throws InterruptedException {
      synchronized (answers) {
        awaited = sent;
        while (answered.get() < sent) {
          answers.wait();
        }
      }
    }
  }

  /** Closes the producer at the end of the run, within {@link #CLOSE}. */
  @Override
  public void close() throws Exception {
    Optional<Producer<K, V>> closing;
    synchronized (this) {
      closed = true;
      closing = current;
      current = Optional.empty();
    }
    try {
      if (closing.isPresent()) {
        waits.closeProducer(closing.get(), CLOSE);
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
