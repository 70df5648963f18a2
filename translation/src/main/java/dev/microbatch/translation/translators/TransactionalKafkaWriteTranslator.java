package dev.microbatch.translation.translators;

import dev.microbatch.io.kafka.TransactionalKafkaSink;
import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import dev.microbatch.translation.runtime.TransactionalKafkaSinkStep;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;

/**
 * The runner's exactly-once Kafka sink, replaced as a whole by a step fused into the stage that
 * produces its records, writing through one transactional producer per run that commits with the
 * batch. Its consumed-offset stamps tell re-run batches apart, so a pipeline may hold only one.
 */
public final class TransactionalKafkaWriteTranslator implements TransformTranslator {

  private boolean translatedOne;

  @Override
  @SuppressWarnings("unchecked")
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
    TransactionalKafkaSink<Object, Object> sink =
        new TransactionalKafkaSink<>(
            name, (TransactionalKafkaWrite<Object, Object>) transform.getTransform());
    context.closeAtEnd(sink);
    context.addFusedStep(
        name,
        Translators.onlyInput(transform),
        environment -> new TransactionalKafkaSinkStep(sink, environment),
        Map.of(),
        List.of());
  }
}
