package dev.microbatch.translation.translators;

import dev.microbatch.io.kafka.BadRecordOutput;
import dev.microbatch.io.kafka.BrokerRetry;
import dev.microbatch.io.kafka.DataLoss;
import dev.microbatch.io.kafka.KafkaBadRecordDStream;
import dev.microbatch.io.kafka.KafkaInputDStream;
import dev.microbatch.io.kafka.KafkaReadSpec;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.rate.PidRateEstimator;
import dev.microbatch.runner.rate.RateController;
import dev.microbatch.runner.rate.RateLimit;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.PCollection;

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
    refuseUnsupported(name, read);
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
    BrokerRetry retry =
        new BrokerRetry(name, Duration.ofMillis(options.getSourceRetryTimeoutMillis()));
    PCollection<?> records = Translators.onlyOutput(transform);
    Optional<PCollection<?>> badRecords = badRecordCollection(transform, read);
    Optional<BadRecordOutput> badRecordOutput = badRecords.map(c -> new BadRecordOutput());
    context.setStream(
        records,
        () ->
            new KafkaInputDStream<>(
                name,
                spec,
                maxPerPartition,
                rateLimit,
                badRecordOutput,
                retry,
                new DataLoss(name, spec.consumerConfig(), options.isFailOnDataLoss())),
        List.of());
    if (badRecords.isPresent()) {
      Supplier<DStream<Object>> input = context.dstreamOf(records);
      context.setStream(
          badRecords.get(),
          () ->
              new KafkaBadRecordDStream(name + "/bad records", input.get(), badRecordOutput.get()),
          List.of(records));
    }
  }

  /**
   * The collection KafkaIO hands to the read's bad-record error handler, if it has one. KafkaIO's
   * expansion outputs it from inside the read, tagged {@link BadRecordRouter#BAD_RECORD_TAG}; the
   * read is replaced whole, so the direct input must produce it. An expansion that routes no bad
   * records (KafkaIO's legacy read, which warns about it) has none, and bad records then fail the
   * batch as they would there.
   */
  private static Optional<PCollection<?>> badRecordCollection(
      AppliedPTransform<?, ?, ?> transform, KafkaIO.Read<?, ?> read) {
    if (read.getBadRecordErrorHandler() == null) {
      return Optional.empty();
    }
    List<PCollection<?>> found = InnerOutputs.tagged(transform, BadRecordRouter.BAD_RECORD_TAG);
    if (found.size() > 1) {
      throw new UnsupportedTransformException(
          transform.getFullName(),
          KAFKA_READ,
          "its expansion has " + found.size() + " bad-record outputs, expected at most one");
    }
    return found.stream().findFirst();
  }

  /**
   * Settings of the read that the direct input cannot honour fail the translation, naming the
   * transform: dropping them would change what the pipeline reads or how it is timestamped. (The
   * README's table lists every KafkaIO.Read setting and what the direct input does with it.)
   */
  private static void refuseUnsupported(String name, KafkaIO.Read<?, ?> read) {
    if (read.getWatermarkFn() != null) {
      throw new UnsupportedTransformException(
          name,
          KAFKA_READ,
          "withWatermarkFn(...) is not supported by the direct Kafka input; give a"
              + " withTimestampPolicyFactory(...) instead");
    }
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
        Optional.ofNullable(read.getStopReadTime()),
        read.isCommitOffsetsInFinalizeEnabled(),
        read.getMaxNumRecords(),
        Optional.ofNullable(read.getMaxReadTime()),
        Optional.ofNullable(read.getCheckStopReadingFn()),
        read.getConsumerFactoryFn(),
        read.getOffsetConsumerConfig() == null ? Map.of() : read.getOffsetConsumerConfig());
  }
}
