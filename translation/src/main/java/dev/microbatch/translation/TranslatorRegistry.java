package dev.microbatch.translation;

import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.translation.translators.BoundedReadFromUnboundedTranslator;
import dev.microbatch.translation.translators.CombinePerKeyTranslator;
import dev.microbatch.translation.translators.CreateViewTranslator;
import dev.microbatch.translation.translators.FlattenTranslator;
import dev.microbatch.translation.translators.GbkIntoKeyedWorkItemsTranslator;
import dev.microbatch.translation.translators.GroupByKeyTranslator;
import dev.microbatch.translation.translators.ImpulseTranslator;
import dev.microbatch.translation.translators.KafkaReadTranslator;
import dev.microbatch.translation.translators.KafkaWriteTranslator;
import dev.microbatch.translation.translators.ParDoTranslator;
import dev.microbatch.translation.translators.ReadTranslator;
import dev.microbatch.translation.translators.ReshuffleTranslator;
import dev.microbatch.translation.translators.SplittableProcessTranslator;
import dev.microbatch.translation.translators.TestStreamTranslator;
import dev.microbatch.translation.translators.TransactionalKafkaWriteTranslator;
import dev.microbatch.translation.translators.WindowAssignTranslator;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.sdk.io.BoundedReadFromUnboundedSource;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/** The translators by transform URN. */
final class TranslatorRegistry {

  private final Map<String, TransformTranslator> byUrn;
  private final Map<Class<?>, TransformTranslator> byClass;

  private TranslatorRegistry(
      Map<String, TransformTranslator> byUrn, Map<Class<?>, TransformTranslator> byClass) {
    this.byUrn = Map.copyOf(byUrn);
    this.byClass = Map.copyOf(byClass);
  }

  static TranslatorRegistry standard() {
    ReshuffleTranslator reshuffle = new ReshuffleTranslator();
    return new TranslatorRegistry(
        Map.ofEntries(
            Map.entry(
                SplittableParDo.SPLITTABLE_GBKIKWI_URN, new GbkIntoKeyedWorkItemsTranslator()),
            Map.entry(SplittableParDo.SPLITTABLE_PROCESS_URN, new SplittableProcessTranslator()),
            Map.entry(PTransformTranslation.IMPULSE_TRANSFORM_URN, new ImpulseTranslator()),
            Map.entry(PTransformTranslation.READ_TRANSFORM_URN, new ReadTranslator()),
            Map.entry(PTransformTranslation.TEST_STREAM_TRANSFORM_URN, new TestStreamTranslator()),
            Map.entry(PTransformTranslation.PAR_DO_TRANSFORM_URN, new ParDoTranslator()),
            Map.entry(PTransformTranslation.GROUP_BY_KEY_TRANSFORM_URN, new GroupByKeyTranslator()),
            Map.entry(PTransformTranslation.FLATTEN_TRANSFORM_URN, new FlattenTranslator()),
            Map.entry(
                PTransformTranslation.ASSIGN_WINDOWS_TRANSFORM_URN, new WindowAssignTranslator()),
            Map.entry(PTransformTranslation.CREATE_VIEW_TRANSFORM_URN, new CreateViewTranslator()),
            Map.entry(
                PTransformTranslation.COMBINE_PER_KEY_TRANSFORM_URN, new CombinePerKeyTranslator()),
            Map.entry(PTransformTranslation.RESHUFFLE_URN, reshuffle),
            Map.entry(PTransformTranslation.REDISTRIBUTE_BY_KEY_URN, reshuffle),
            Map.entry(PTransformTranslation.REDISTRIBUTE_ARBITRARILY_URN, reshuffle)),
        // Composites without a URN that the runner reads better than their expansion does.
        Map.of(
            BoundedReadFromUnboundedSource.class,
            new BoundedReadFromUnboundedTranslator(),
            KafkaIO.Read.class,
            new KafkaReadTranslator(),
            KafkaIO.Write.class,
            new KafkaWriteTranslator(),
            TransactionalKafkaWrite.class,
            new TransactionalKafkaWriteTranslator()));
  }

  Optional<TransformTranslator> forTransform(PTransform<?, ?> transform) {
    Optional<TransformTranslator> byItsUrn = Optional.ofNullable(urnOf(transform)).map(byUrn::get);
    return byItsUrn.or(() -> byClassOf(transform));
  }

  /** Translators by class match subclasses too (KafkaIO's transforms are AutoValue subclasses). */
  private Optional<TransformTranslator> byClassOf(PTransform<?, ?> transform) {
    if (transform == null) {
      return Optional.empty();
    }
    return byClass.entrySet().stream()
        .filter(entry -> entry.getKey().isInstance(transform))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /**
   * The URN of a transform; runner-core's splittable ProcessElements has none registered in the
   * SDK, so it is known here by its class.
   */
  static String urnOf(PTransform<?, ?> transform) {
    if (transform == null) {
      return null;
    }
    if (transform instanceof SplittableParDoViaKeyedWorkItems.ProcessElements<?, ?, ?, ?, ?>) {
      return SplittableParDo.SPLITTABLE_PROCESS_URN;
    }
    return PTransformTranslation.urnForTransformOrNull(transform);
  }
}
