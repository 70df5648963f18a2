package dev.microbatch.translation.translators;

import dev.microbatch.io.BoundedSourceInputDStream;
import dev.microbatch.io.ReadBounds;
import dev.microbatch.io.SplitLimit;
import dev.microbatch.io.UnboundedSourceInputDStream;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.UnsupportedTransformException;
import java.util.List;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * The primitive Read of a source (Beam turns {@code Read.from} into it unless the {@code
 * use_sdf_read} experiment is set): bounded sources split and read lazily by the first stage's
 * tasks, unbounded ones read batch by batch from their checkpoint marks.
 */
public final class ReadTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    MicroBatchPipelineOptions options = context.options();
    int parallelism = options.getParallelism();
    long limit = options.getMaxRecordsPerBatch();
    if (transform.getTransform() instanceof SplittableParDo.PrimitiveBoundedRead<?> read) {
      BoundedSource<?> source = read.getSource();
      context.setStream(
          Translators.onlyOutput(transform),
          () ->
              new BoundedSourceInputDStream<>(
                  name, source, context.serializableOptions().get(), parallelism, limit),
          List.of());
    } else if (transform.getTransform() instanceof SplittableParDo.PrimitiveUnboundedRead<?> read) {
      UnboundedSource<?, ?> source = read.getSource();
      ReadBounds bounds = new ReadBounds(limit, options.getMaxReadTimeMillis());
      context.setStream(
          Translators.onlyOutput(transform),
          () ->
              new UnboundedSourceInputDStream<>(
                  name,
                  source,
                  context.serializableOptions().get(),
                  parallelism,
                  bounds,
                  SplitLimit.NONE),
          List.of());
    } else {
      throw new UnsupportedTransformException(
          name,
          PTransformTranslation.READ_TRANSFORM_URN,
          "a Read that is neither a primitive bounded nor unbounded read: "
              + transform.getTransform().getClass().getName());
    }
  }
}
