package dev.microbatch.translation.translators;

import dev.microbatch.io.kafka.KafkaInputDStream;
import dev.microbatch.io.kafka.KafkaReadSpec;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.rate.PidRateEstimator;
import dev.microbatch.runner.rate.RateController;
import dev.microbatch.runner.rate.RateLimit;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.runners.AppliedPTransform;

/**
 * {@code KafkaIO.read()}, whichever expansion it chose, replaced as a whole by the direct Kafka
 * input: exact offset ranges per partition and batch, committed with the batch.
 */
public final class KafkaReadTranslator implements TransformTranslator {

  /** KafkaIO's URN-less composite is recognized by class; this names it in errors. */
  static final String KAFKA_READ = "KafkaIO.Read (direct Kafka input)";

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    KafkaIO.Read<?, ?> read = (KafkaIO.Read<?, ?>) transform.getTransform();
    String name = transform.getFullName();
    if (read.getBadRecordErrorHandler() != null) {
      throw new UnsupportedTransformException(
          name, KAFKA_READ, "a bad-record error handler is not supported by the direct input yet");
    }
    if (read.getStopReadTime() != null) {
      throw new UnsupportedTransformException(
          name, KAFKA_READ, "withStopReadTime is not supported by the direct input yet");
    }
    KafkaReadSpec<?, ?> spec = spec(read);
    MicroBatchPipelineOptions options = context.options();
    long maxPerPartition = options.getMaxRecordsPerBatch();
    long interval = options.getBatchIntervalMillis();
    RateLimit rateLimit =
        new RateLimit(
            interval,
            options.getMaxRatePerPartition(),
            options.getBackpressureInitialRate(),
            options.isBackpressure()
                ? Optional.of(new RateController(name, PidRateEstimator.withDefaults(interval)))
                : Optional.empty());
    context.setStream(
        Translators.onlyOutput(transform),
        () -> new KafkaInputDStream<>(name, spec, maxPerPartition, rateLimit),
        List.of());
  }

  private static <K, V> KafkaReadSpec<K, V> spec(KafkaIO.Read<K, V> read) {
    return new KafkaReadSpec<>(
        read.getConsumerConfig(),
        read.getTopics() == null ? List.of() : read.getTopics(),
        Optional.ofNullable(read.getTopicPattern()),
        read.getTopicPartitions() == null ? List.of() : read.getTopicPartitions(),
        read.getKeyDeserializerProvider(),
        read.getValueDeserializerProvider(),
        read.getTimestampPolicyFactory(),
        Optional.ofNullable(read.getStartReadTime()),
        read.isCommitOffsetsInFinalizeEnabled(),
        read.getMaxNumRecords());
  }
}
