package dev.microbatch.translation.translators;

import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.UnionDStream;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;

/** Flatten: the union of its inputs' partitions (an input given twice appears twice). */
public final class FlattenTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    List<PCollection<?>> inputs = new ArrayList<>(transform.getMainInputs().values());
    List<Supplier<DStream<Object>>> parents = new ArrayList<>();
    for (PCollection<?> input : inputs) {
      parents.add(context.dstreamOf(input));
    }
    String name = transform.getFullName();
    context.setStream(
        Translators.onlyOutput(transform),
        () -> {
          List<DStream<Object>> streams = new ArrayList<>();
          parents.forEach(p -> streams.add(p.get()));
          return new UnionDStream<>(name, streams);
        },
        inputs);
  }
}
