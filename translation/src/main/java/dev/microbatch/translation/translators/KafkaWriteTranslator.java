package dev.microbatch.translation.translators;

import dev.microbatch.io.kafka.KafkaSink;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.KafkaSinkStep;
import dev.microbatch.translation.runtime.StepFactory;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;

/**
 * {@code KafkaIO.write()} replaced as a whole by a step fused into the stage that produces its
 * records, sending them through one producer per run that the writing tasks share ({@link
 * KafkaSink}), instead of KafkaIO's expansion (a ParDo making a ProducerRecord of each KV, then
 * KafkaIO's writer DoFn with a producer of its own). The same records, topic, serializers, producer
 * settings and publish timestamps, at least once. Left to the expansion: KafkaIO's own exactly-once
 * sink ({@code withEOS}), a write that routes bad records to an error handler, and writes on a
 * cluster backend.
 */
public final class KafkaWriteTranslator implements TransformTranslator {

  @Override
  public boolean canTranslate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    KafkaIO.WriteRecords<?, ?> records =
        ((KafkaIO.Write<?, ?>) transform.getTransform()).getWriteRecordsTransform();
    return !records.isEOS()
        && records.getBadRecordRouter() == BadRecordRouter.THROWING_ROUTER
        && context.options().getClusterMaster() == null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    KafkaSink<Object, Object> sink =
        new KafkaSink<>(
            name,
            ((KafkaIO.Write<Object, Object>) transform.getTransform()).getWriteRecordsTransform());
    context.closeAtEnd(sink);
    StepFactory step = environment -> new KafkaSinkStep(sink, environment, name);
    context.addFusedStep(name, Translators.onlyInput(transform), step, Map.of(), List.of());
  }
}
