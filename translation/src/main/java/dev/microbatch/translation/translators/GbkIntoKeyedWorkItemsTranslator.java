package dev.microbatch.translation.translators;

import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.ShuffledDStream;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import java.util.List;
import java.util.function.Supplier;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * The key shuffle in front of a splittable ProcessFn: restrictions (keyed by unique random bytes)
 * are spread over the partitions. The reduce side is {@link SplittableProcessTranslator}'s step,
 * which reads the keyed elements directly.
 */
public final class GbkIntoKeyedWorkItemsTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    PCollection<?> input = Translators.onlyInput(transform);
    Supplier<DStream<Object>> parent = context.dstreamOf(input);
    int partitions = context.options().getParallelism();
    context.setStream(
        Translators.onlyOutput(transform),
        () ->
            new ShuffledDStream<>(
                name, parent.get(), Translators.kvKeyExtractor(ByteArrayCoder.of()), partitions),
        List.of(input));
  }
}
