package dev.microbatch.translation.translators;

import dev.microbatch.io.BoundedSourceInputDStream;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import java.util.List;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * The primitive Read of a bounded source (pipelines run with the {@code use_deprecated_read}
 * experiment): the source split across partitions, read lazily by the first stage's tasks.
 */
public final class ReadBoundedTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    if (!(transform.getTransform() instanceof SplittableParDo.PrimitiveBoundedRead<?> read)) {
      throw new UnsupportedTransformException(
          transform.getFullName(),
          PTransformTranslation.READ_TRANSFORM_URN,
          "unbounded reads need streaming mode, which is not implemented yet");
    }
    BoundedSource<?> source = read.getSource();
    String name = transform.getFullName();
    int parallelism = context.options().getParallelism();
    long limit = context.options().getMaxRecordsPerBatch();
    context.setStream(
        Translators.onlyOutput(transform),
        () ->
            new BoundedSourceInputDStream<>(
                name, source, context.serializableOptions().get(), parallelism, limit),
        List.of());
  }
}
