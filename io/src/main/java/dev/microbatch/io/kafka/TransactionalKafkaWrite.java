package dev.microbatch.io.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.common.serialization.Serializer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes key/value pairs to a Kafka topic exactly once, on MicroBatchRunner.
 *
 * <p>Each batch's records are sent in one Kafka transaction, and the offsets the batch consumed
 * from its Kafka inputs (those with a {@code group.id}) are committed to their consumer groups in
 * the same transaction ({@code sendOffsetsToTransaction}), stamped with the batch time. The
 * transaction commits at the batch boundary, before the checkpoint. A batch that fails is aborted;
 * a batch that is re-run after a crash, and finds that its transaction already committed, does not
 * publish again. Consumers with {@code isolation.level=read_committed} therefore see every result
 * exactly once.
 *
 * <pre>{@code
 * results.apply(
 *     TransactionalKafkaWrite.<String, String>to("output-topic")
 *         .withBootstrapServers("localhost:9092")
 *         .withKeySerializer(StringSerializer.class)
 *         .withValueSerializer(StringSerializer.class)
 *         .withTransactionalId("word-count-sink"));
 * }</pre>
 *
 * <p>The transactional id must stay the same across restarts of the job (it fences the crashed
 * run's producer) and must not be shared with another job. The consumed offsets can only be
 * committed to groups of the cluster written to, so inputs and output share a cluster. One such
 * sink per pipeline. Other runners refuse it: use {@code KafkaIO.write().withEOS(...)} there.
 */
public final class TransactionalKafkaWrite<K, V> extends PTransform<PCollection<KV<K, V>>, PDone> {

  // Unset settings are null here (a transform is Serializable, Optional is not); the accessors
  // turn a missing one into an error that names it.
  private final String topic;
  private final @Nullable String bootstrapServers;
  private final @Nullable Class<? extends Serializer<K>> keySerializer;
  private final @Nullable Class<? extends Serializer<V>> valueSerializer;
  private final @Nullable String transactionalId;
  private final HashMap<String, Object> producerConfig;

  private TransactionalKafkaWrite(
      String topic,
      @Nullable String bootstrapServers,
      @Nullable Class<? extends Serializer<K>> keySerializer,
      @Nullable Class<? extends Serializer<V>> valueSerializer,
      @Nullable String transactionalId,
      Map<String, Object> producerConfig) {
    this.topic = topic;
    this.bootstrapServers = bootstrapServers;
    this.keySerializer = keySerializer;
    this.valueSerializer = valueSerializer;
    this.transactionalId = transactionalId;
    this.producerConfig = new HashMap<>(producerConfig);
  }

  /** A sink to {@code topic}; the servers, serializers and transactional id are required. */
  public static <K, V> TransactionalKafkaWrite<K, V> to(String topic) {
    return new TransactionalKafkaWrite<>(topic, null, null, null, null, Map.of());
  }

  public TransactionalKafkaWrite<K, V> withBootstrapServers(String servers) {
    return new TransactionalKafkaWrite<>(
        topic, servers, keySerializer, valueSerializer, transactionalId, producerConfig);
  }

  public TransactionalKafkaWrite<K, V> withKeySerializer(
      Class<? extends Serializer<K>> serializer) {
    return new TransactionalKafkaWrite<>(
        topic, bootstrapServers, serializer, valueSerializer, transactionalId, producerConfig);
  }

  public TransactionalKafkaWrite<K, V> withValueSerializer(
      Class<? extends Serializer<V>> serializer) {
    return new TransactionalKafkaWrite<>(
        topic, bootstrapServers, keySerializer, serializer, transactionalId, producerConfig);
  }

  /** The producer's {@code transactional.id}: stable across restarts, unique to this job. */
  public TransactionalKafkaWrite<K, V> withTransactionalId(String id) {
    return new TransactionalKafkaWrite<>(
        topic, bootstrapServers, keySerializer, valueSerializer, id, producerConfig);
  }

  /** Further producer settings (the transactional ones are the sink's own). */
  public TransactionalKafkaWrite<K, V> withProducerConfigUpdates(Map<String, Object> updates) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.putAll(updates);
    return new TransactionalKafkaWrite<>(
        topic, bootstrapServers, keySerializer, valueSerializer, transactionalId, config);
  }

  public String topic() {
    return topic;
  }

  public String bootstrapServers() {
    return Optional.ofNullable(bootstrapServers).orElseThrow(() -> missing("withBootstrapServers"));
  }

  public Class<? extends Serializer<K>> keySerializer() {
    return Optional.ofNullable(keySerializer).orElseThrow(() -> missing("withKeySerializer"));
  }

  public Class<? extends Serializer<V>> valueSerializer() {
    return Optional.ofNullable(valueSerializer).orElseThrow(() -> missing("withValueSerializer"));
  }

  public String transactionalId() {
    return Optional.ofNullable(transactionalId).orElseThrow(() -> missing("withTransactionalId"));
  }

  public Map<String, Object> producerConfig() {
    return Map.copyOf(producerConfig);
  }

  private IllegalArgumentException missing(String setting) {
    return new IllegalArgumentException(
        "TransactionalKafkaWrite to topic '" + topic + "' needs " + setting + "(...)");
  }

  /** Checks the settings; the runner replaces this transform, so its expansion never runs. */
  @Override
  public PDone expand(PCollection<KV<K, V>> input) {
    bootstrapServers();
    keySerializer();
    valueSerializer();
    transactionalId();
    input.apply("RequiresMicroBatchRunner", ParDo.of(new RefuseOtherRunners<>(topic)));
    return PDone.in(input.getPipeline());
  }

  /** Reached only on a runner that did not replace the sink. */
  private static final class RefuseOtherRunners<T> extends DoFn<T, Void> {
    private final String topic;

    RefuseOtherRunners(String topic) {
      this.topic = topic;
    }

    @Setup
    public void setup() {
      throw new UnsupportedOperationException(
          "TransactionalKafkaWrite to '"
              + topic
              + "' runs only on MicroBatchRunner; use KafkaIO.write().withEOS(...) elsewhere");
    }

    @ProcessElement
    public void process() {}
  }
}
