package dev.microbatch.io.kafka;

import java.io.Serializable;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.DeserializerProvider;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * What reading a partition of a Kafka read needs, wherever it runs (the driver, or an executor it
 * is shipped to): how to make its consumer, how to decode and timestamp its records.
 *
 * @param consumerConfig the read's consumer properties, as given to KafkaIO (deserializers see it)
 * @param byteConsumerConfig the properties of the consumers that read the records as bytes
 * @param keys key deserializer
 * @param values value deserializer
 * @param timestampPolicy record timestamps and partition watermarks
 * @param consumerFactory makes the consumers (KafkaIO's {@code withConsumerFactoryFn})
 * @param topics what the read's topics are, for messages
 */
record PartitionReading<K, V>(
    Map<String, Object> consumerConfig,
    Map<String, Object> byteConsumerConfig,
    DeserializerProvider<K> keys,
    DeserializerProvider<V> values,
    TimestampPolicyFactory<K, V> timestampPolicy,
    SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory,
    String topics)
    implements Serializable {

  PartitionReading {
    consumerConfig = Map.copyOf(consumerConfig);
    byteConsumerConfig = Map.copyOf(byteConsumerConfig);
  }
}
