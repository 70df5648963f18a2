package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.Partition;
import dev.microbatch.runner.scheduler.BatchTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of {@link TransactionalKafkaWrite}: one Kafka transaction per batch, shared by the
 * batch's tasks (the producer is thread-safe), committed with the consumed offsets in the batch's
 * commit. Before a batch publishes, it asks the input groups whether a transaction stamped with
 * this batch time (or a later one) already committed; if so the batch is a re-run of a batch whose
 * output is already in Kafka, and its records are dropped.
 */
public final class TransactionalKafkaSinkDStream<K, V> extends DStream<Void> {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalKafkaSinkDStream.class);
  private static final String BATCH_STAMP = "microbatch-batch=";

  private final DStream<WindowedValue<KV<K, V>>> input;
  private final TransactionalKafkaWrite<K, V> sink;
  private Producer<K, V> producer;
  private Admin admin;
  private boolean warnedNoGroup;

  public TransactionalKafkaSinkDStream(
      String name, DStream<WindowedValue<KV<K, V>>> input, TransactionalKafkaWrite<K, V> sink) {
    super(name, List.of(input));
    this.input = input;
    this.sink = sink;
  }

  @Override
  protected BatchResult<Void> compute(BatchContext batch) throws Exception {
    BatchResult<WindowedValue<KV<K, V>>> records = batch.resultOf(input);
    ConsumedOffsets consumed = batch.attribute(ConsumedOffsets.class, ConsumedOffsets::new);
    Producer<K, V> producer = producer();
    if (publishedBefore(batch.time(), consumed)) {
      LOG.info(
          "Batch {} of {} already committed its transaction in an earlier run; not publishing it"
              + " again",
          batch.time(),
          name());
      return new BatchResult<>(drop(records), records::outputWatermark);
    }
    producer.beginTransaction();
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    AtomicLong sent = new AtomicLong();
    List<Partition<Void>> partitions = new ArrayList<>(records.numPartitions());
    for (Partition<WindowedValue<KV<K, V>>> partition : records.partitions()) {
      partitions.add(
          out ->
              partition.forEach(
                  record -> {
                    KV<K, V> kv = record.getValue();
                    producer.send(
                        new ProducerRecord<>(sink.topic(), kv.getKey(), kv.getValue()),
                        (metadata, error) -> {
                          if (error != null) {
                            sendFailure.compareAndSet(null, error);
                          }
                        });
                    sent.incrementAndGet();
                  }));
    }
    batch.commitTransaction(
        () -> commit(batch.time(), consumed, sendFailure, sent.get()), this::abort);
    return new BatchResult<>(partitions, records::outputWatermark);
  }

  private static <T> List<Partition<Void>> drop(BatchResult<T> records) {
    List<Partition<Void>> partitions = new ArrayList<>(records.numPartitions());
    for (Partition<T> partition : records.partitions()) {
      partitions.add(out -> partition.forEach(record -> {}));
    }
    return partitions;
  }

  private void commit(
      BatchTime time, ConsumedOffsets consumed, AtomicReference<Exception> sendFailure, long sent)
      throws Exception {
    producer.flush();
    if (sendFailure.get() != null) {
      throw new IllegalStateException(
          "Sending batch " + time + "'s records to topic '" + sink.topic() + "' failed",
          sendFailure.get());
    }
    Map<String, List<OffsetRange>> groups = consumed.byGroup();
    for (Map.Entry<String, List<OffsetRange>> group : groups.entrySet()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
      for (OffsetRange range : group.getValue()) {
        offsets.put(
            range.partition(), new OffsetAndMetadata(range.until(), BATCH_STAMP + time.millis()));
      }
      producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(group.getKey()));
    }
    producer.commitTransaction();
    consumed.markCommittedInTransaction();
    LOG.debug(
        "Batch {}: committed {} records to '{}' in one transaction", time, sent, sink.topic());
  }

  @Override
  protected void close() {
    if (producer != null) {
      producer.close();
      producer = null;
    }
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }

  private void abort() {
    if (producer == null) {
      return;
    }
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      // A producer in a fatal state (fenced, or its transaction state lost) cannot abort; a new
      // one, initialized with the same transactional id, aborts whatever is left open.
      LOG.warn("Aborting the transaction of {} failed; the producer is replaced", name(), e);
      producer.close();
      producer = null;
    }
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
            name());
        warnedNoGroup = true;
      }
      return false;
    }
    for (Map.Entry<String, List<OffsetRange>> group : groups.entrySet()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin().listConsumerGroupOffsets(group.getKey()).partitionsToOffsetAndMetadata().get();
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

  private Producer<K, V> producer() {
    if (producer == null) {
      Map<String, Object> config = new HashMap<>(sink.producerConfig());
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sink.bootstrapServers());
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, sink.keySerializer());
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, sink.valueSerializer());
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, sink.transactionalId());
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producer = new KafkaProducer<>(config);
      // Fences a crashed run's producer and aborts the transaction it left open.
      producer.initTransactions();
    }
    return producer;
  }

  private Admin admin() {
    if (admin == null) {
      Map<String, Object> config = new HashMap<>();
      config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sink.bootstrapServers());
      admin = Admin.create(config);
    }
    return admin;
  }
}
