package dev.microbatch.translation.translators;

import dev.microbatch.io.kafka.TransactionalKafkaSinkDStream;
import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import java.util.List;
import java.util.function.Supplier;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * The runner's exactly-once Kafka sink, replaced as a whole by a sink stream whose transaction
 * commits with the batch. Its consumed-offset stamps tell re-run batches apart, so a pipeline may
 * hold only one.
 */
public final class TransactionalKafkaWriteTranslator implements TransformTranslator {

  private boolean translatedOne;

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    if (translatedOne) {
      throw new UnsupportedTransformException(
          name,
          "TransactionalKafkaWrite",
          "a pipeline may hold one TransactionalKafkaWrite (each batch's offsets are committed by"
              + " one transaction)");
    }
    translatedOne = true;
    TransactionalKafkaWrite<Object, Object> sink =
        (TransactionalKafkaWrite<Object, Object>) transform.getTransform();
    PCollection<?> input = Translators.onlyInput(transform);
    Supplier<DStream<WindowedValue<KV<Object, Object>>>> records = context.dstreamOf(input);
    context.addSink(
        () -> new TransactionalKafkaSinkDStream<>(name, records.get(), sink), List.of(input));
  }
}
