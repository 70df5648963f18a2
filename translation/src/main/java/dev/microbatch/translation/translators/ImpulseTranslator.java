package dev.microbatch.translation.translators;

import dev.microbatch.io.ImpulseInputDStream;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import java.util.List;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;

/** Impulse: an input of one empty byte array. */
public final class ImpulseTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    PCollection<?> output = Translators.onlyOutput(transform);
    String name = transform.getFullName();
    context.setStream(output, () -> new ImpulseInputDStream(name), List.of());
  }
}
