package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.SinkTransaction;
import dev.microbatch.runner.dstream.SinkTransactions;
import dev.microbatch.runner.scheduler.BatchTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of {@link TransactionalKafkaWrite} for one run: one Kafka transaction per batch,
 * shared by the stage tasks that write to it (the producer is thread-safe), committed with the
 * consumed offsets in the batch's commit.
 *
 * <p>Each task calls {@link #beginBatch} when it starts, and the first call of a batch decides: if
 * the input groups' committed offsets carry this batch's stamp (or a later one), the batch is a
 * re-run of one whose transaction already committed, and its records are dropped; otherwise a
 * transaction begins, to be committed or aborted with the batch. The task sends through the {@link
 * TaskSends} it gets back, which counts its records on its own and adds them to the batch's when
 * the task ends: tasks sending at once share nothing per record but the producer.
 */
public final class TransactionalKafkaSink<K, V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalKafkaSink.class);
  private static final String BATCH_STAMP = "microbatch-batch=";

  /** How long closing a client may take: what it has not sent by then is dropped. */
  private static final Duration CLOSE = Duration.ofSeconds(10);

  private final String name;
  private final TransactionalKafkaWrite<K, V> spec;
  private final BoundedWaits waits;

  /** The deadline of each blocking call ({@link BoundedWaits#producerDeadline}). */
  private final Duration deadline;

  private Producer<K, V> producer;
  private Admin admin;
  private boolean warnedNoGroup;

  /** The batch attempt under way (its consumed offsets are one object per attempt). */
  private Optional<ConsumedOffsets> currentAttempt = Optional.empty();

  private Optional<BatchTime> lastCommitted = Optional.empty();

  private volatile boolean publishing;
  /** The records of the batch's finished tasks. */
  private final AtomicLong sent = new AtomicLong();
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  /** One for every record: a callback per send would be an allocation per record. */
  private final Callback onSent =
      (metadata, error) -> {
        if (error != null) {
          sendFailure.compareAndSet(null, error);
        }
      };

  public TransactionalKafkaSink(String name, TransactionalKafkaWrite<K, V> spec) {
    this.name = name;
    this.spec = spec;
    this.waits = new BoundedWaits(name);
    this.deadline = BoundedWaits.producerDeadline(spec.producerConfig());
  }

  /**
   * Starts {@code time}'s transaction, or its dropping, once per attempt of a batch: a re-run of a
   * batch (whose consumed offsets are a new object) decides again, since its first attempt may have
   * committed before it failed. Returns the calling task's sends into the batch.
   */
  public synchronized TaskSends beginBatch(
      BatchTime time, ConsumedOffsets consumed, SinkTransactions transactions) throws Exception {
    if (currentAttempt.isEmpty() || currentAttempt.get() != consumed) {
      decide(time, consumed, transactions);
    }
    return new TaskSends(producer);
  }

  private void decide(BatchTime time, ConsumedOffsets consumed, SinkTransactions transactions)
      throws Exception {
    currentAttempt = Optional.of(consumed);
    sendFailure.set(null);
    // The producer first: initializing it waits until a crashed run's last transaction is
    // complete, so that the offsets it committed are visible to the check.
    Producer<K, V> producer = producer();
    publishing =
        lastCommitted.map(last -> last.compareTo(time) < 0).orElse(true)
            && !publishedBefore(time, consumed);
    if (!publishing) {
      LOG.info(
          "Batch {} of {} already committed its transaction (an earlier attempt or run); not"
              + " publishing it again",
          time,
          name);
      transactions.transactionAlreadyCommitted(name, target());
      return;
    }
    waits.run("beginning batch " + time + "'s transaction", deadline, producer::beginTransaction);
    sent.set(0);
    transactions.commitTransaction(
        new SinkTransaction() {
          @Override
          public String sink() {
            return name;
          }

          @Override
          public String target() {
            return TransactionalKafkaSink.this.target();
          }

          @Override
          public long records() {
            return sent.get();
          }

          @Override
          public void commit() throws Exception {
            TransactionalKafkaSink.this.commit(time, consumed);
          }

          @Override
          public void abort() throws Exception {
            TransactionalKafkaSink.this.abort();
          }
        });
  }

  /** The topic and the producer's transactional id, as the batch page shows them. */
  private String target() {
    return "topic " + spec.topic() + ", transactional id " + spec.transactionalId();
  }

  /** One task's sends into its batch's transaction. */
  public final class TaskSends {
    /**
     * The batch's producer, taken under the sink's lock: an abort that replaces the sink's
     * producer while this task still sends makes these sends fail in the producer (its
     * transaction is over), not find no producer. Null only when nothing is published.
     */
    private final Producer<K, V> batchProducer;

    private long sent;

    private TaskSends(Producer<K, V> batchProducer) {
      this.batchProducer = batchProducer;
    }

    /** Sends one record in the batch's transaction (dropped if the batch was published before). */
    public void send(K key, V value) {
      if (!publishing) {
        return;
      }
      sent++;
      batchProducer.send(new ProducerRecord<>(spec.topic(), key, value), onSent);
    }

    /** The task has sent all it will: its records count toward the batch's. */
    public void finish() {
      TransactionalKafkaSink.this.sent.addAndGet(sent);
      sent = 0;
    }
  }

  private synchronized void commit(BatchTime time, ConsumedOffsets consumed) throws Exception {
    waits.run("sending batch " + time + "'s records (flush)", deadline, producer::flush);
    if (sendFailure.get() != null) {
      throw new IllegalStateException(
          "Sending batch " + time + "'s records to topic '" + spec.topic() + "' failed",
          sendFailure.get());
    }
    for (Map.Entry<String, List<OffsetRange>> group : consumed.byGroup().entrySet()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
      for (OffsetRange range : group.getValue()) {
        offsets.put(
            range.partition(), new OffsetAndMetadata(range.until(), BATCH_STAMP + time.millis()));
      }
      waits.run(
          "adding batch " + time + "'s offsets of group " + group.getKey() + " to its transaction",
          deadline,
          () ->
              producer.sendOffsetsToTransaction(
                  offsets, new ConsumerGroupMetadata(group.getKey())));
    }
    waits.run("committing batch " + time + "'s transaction", deadline, producer::commitTransaction);
    // Remembered here too: the committed offsets may become visible a moment after the commit.
    lastCommitted = Optional.of(time);
    publishing = false;
    consumed.markCommittedInTransaction();
    LOG.debug("Batch {}: committed its transaction to '{}'", time, spec.topic());
  }

  /** The batch failed before its transaction committed: the transaction is aborted. */
  private synchronized void abort() throws Exception {
    publishing = false;
    if (producer == null) {
      return;
    }
    try {
      waits.run("aborting a transaction", deadline, producer::abortTransaction);
    } catch (RuntimeException e) {
      // A producer in a fatal state (fenced, its transaction state lost, its broker gone past the
      // deadline) cannot abort; a new one, initialized with the same transactional id, aborts
      // whatever is left open.
      LOG.warn("Aborting the transaction of {} failed; the producer is replaced", name, e);
      closeProducer();
    }
  }

  /** Closes the producer, dropping within {@link #CLOSE} whatever it could not send. */
  private void closeProducer() throws Exception {
    Producer<K, V> closing = producer;
    producer = null;
    waits.closeProducer(closing, CLOSE);
  }

  /**
   * True if a transaction of this sink stamped with {@code time} or later already committed: the
   * input groups' committed offsets carry the batch time of the transaction that committed them.
   */
  private boolean publishedBefore(BatchTime time, ConsumedOffsets consumed) throws Exception {
    Map<String, List<OffsetRange>> groups = consumed.byGroup();
    if (groups.isEmpty()) {
      if (!warnedNoGroup) {
        LOG.warn(
            "{} reads no Kafka input with a group.id: its batches are atomic, but a batch re-run"
                + " after a crash is published again",
            name);
        warnedNoGroup = true;
      }
      return false;
    }
    for (Map.Entry<String, List<OffsetRange>> group : groups.entrySet()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          waits.call(
              "asking for the offsets of group " + group.getKey(),
              deadline,
              () ->
                  admin()
                      .listConsumerGroupOffsets(group.getKey())
                      .partitionsToOffsetAndMetadata()
                      .get(deadline.toMillis(), TimeUnit.MILLISECONDS));
      for (OffsetRange range : group.getValue()) {
        OffsetAndMetadata offset = committed.get(range.partition());
        if (offset != null
            && offset.metadata() != null
            && offset.metadata().startsWith(BATCH_STAMP)
            && Long.parseLong(offset.metadata().substring(BATCH_STAMP.length())) >= time.millis()) {
          return true;
        }
      }
    }
    return false;
  }

  private Producer<K, V> producer() throws Exception {
    if (producer == null) {
      Map<String, Object> config = new HashMap<>(spec.producerConfig());
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, spec.keySerializer());
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, spec.valueSerializer());
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, spec.transactionalId());
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producer = new KafkaProducer<>(config);
      // Fences a crashed run's producer and aborts the transaction it left open.
      waits.run("initializing its transactions", deadline, producer::initTransactions);
    }
    return producer;
  }

  private Admin admin() {
    if (admin == null) {
      Map<String, Object> config = new HashMap<>();
      config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
      admin = Admin.create(config);
    }
    return admin;
  }

  /** Closes the producer and admin client at the end of the run, each within {@link #CLOSE}. */
  @Override
  public synchronized void close() throws Exception {
    try {
      if (producer != null) {
        closeProducer();
      }
      if (admin != null) {
        Admin closing = admin;
        admin = null;
        waits.run("closing its admin client", CLOSE.plusSeconds(5), () -> closing.close(CLOSE));
      }
    } finally {
      waits.close();
    }
  }

  @Override
  public String toString() {
    return "TransactionalKafkaSink[" + name + "]";
  }
}
