package dev.microbatch.translation.translators;

import dev.microbatch.io.kafka.TransactionalKafkaSink;
import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import dev.microbatch.translation.runtime.StepFactory;
import dev.microbatch.translation.runtime.TransactionalKafkaSinkStep;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;

/**
 * The runner's exactly-once Kafka sink, replaced as a whole by a step fused into the stage that
 * produces its records, writing through one transactional producer per run that commits with the
 * batch. Its consumed-offset stamps tell re-run batches apart, so a pipeline may hold only one. On
 * a cluster backend the step is a stage of its own on the driver: a Kafka transaction is bound to
 * the producer that began it, so the records come to the producer that commits with the batch,
 * rather than each executor holding a transaction open until the driver says the batch committed
 * (which an executor lost in between would leave neither committed nor abortable).
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
    StepFactory step = environment -> new TransactionalKafkaSinkStep(sink, environment);
    if (context.options().getClusterMaster() == null) {
      context.addFusedStep(name, Translators.onlyInput(transform), step, Map.of(), List.of());
    } else {
      // On a cluster the records come to the driver, whose producer commits with the batch.
      context.addDriverStage(name, Translators.onlyInput(transform), step);
    }
  }
}
