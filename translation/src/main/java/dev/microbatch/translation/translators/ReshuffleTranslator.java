package dev.microbatch.translation.translators;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.KeyExtractor;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.UnkeyStep;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reshuffle and Redistribute: a real shuffle that keeps every element as it is (timestamp, windows,
 * pane). Keyed inputs go by their encoded key; others are spread at random.
 */
public final class ReshuffleTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    String name = transform.getFullName();
    PCollection<?> input = Translators.onlyInput(transform);
    KeyExtractor<Object> keys =
        Translators.isKv(input)
            ? Translators.kvKeyExtractor(Translators.kvCoder(input, name).getKeyCoder())
            : element ->
                new KeyBytes(
                    ByteBuffer.allocate(4).putInt(ThreadLocalRandom.current().nextInt()).array());
    UnkeyStep.Spec spec = new UnkeyStep.Spec(Translators.onlyOutputTag(transform));
    ShuffleSupport.shuffleThen(
        context,
        name,
        input,
        keys,
        env -> new UnkeyStep(spec, env),
        Translators.outputs(transform),
        List.of());
  }
}
