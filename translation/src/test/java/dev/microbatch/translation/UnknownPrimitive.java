package dev.microbatch.translation;

import com.google.auto.service.AutoService;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.TransformPayloadTranslatorRegistrar;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowingStrategy;

/** A primitive transform with a URN this runner has no translator for (test fixture). */
final class UnknownPrimitive extends PTransform<PBegin, PCollection<String>> {

  static final String URN = "dev:microbatch:test:unknown_primitive:v1";

  @Override
  public PCollection<String> expand(PBegin input) {
    return PCollection.createPrimitiveOutputInternal(
        input.getPipeline(),
        WindowingStrategy.globalDefault(),
        PCollection.IsBounded.BOUNDED,
        StringUtf8Coder.of());
  }

  /** Gives {@link UnknownPrimitive} its URN, as an SDK would for a transform of its own. */
  @AutoService(TransformPayloadTranslatorRegistrar.class)
  public static final class Registrar implements TransformPayloadTranslatorRegistrar {
    @Override
    @SuppressWarnings("rawtypes")
    public Map<
            ? extends Class<? extends PTransform>,
            ? extends PTransformTranslation.TransformPayloadTranslator>
        getTransformPayloadTranslators() {
      return Map.of(
          UnknownPrimitive.class,
          PTransformTranslation.TransformPayloadTranslator.NotSerializable.forUrn(URN));
    }
  }
}
