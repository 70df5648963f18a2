package dev.microbatch.translation.translators;

import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.ShuffledDStream;
import dev.microbatch.runner.shuffle.ElementCoder;
import dev.microbatch.runner.shuffle.KeyExtractor;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.StepFactory;
import dev.microbatch.translation.runtime.WindowedValuesCodec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/** Puts a hash shuffle before a step that then starts a new stage on the shuffled partitions. */
final class ShuffleSupport {

  private ShuffleSupport() {}

  static void shuffleThen(
      TranslationContext context,
      String name,
      PCollection<?> input,
      KeyExtractor<Object> keys,
      StepFactory reduceStep,
      Map<TupleTag<?>, PCollection<?>> outputs,
      List<PCollectionView<?>> sideInputs) {
    Supplier<DStream<Object>> parent = context.dstreamOf(input);
    int partitions = context.options().getParallelism();
    Optional<WindowedValuesCodec> codec = context.codecOf(input);
    context.addStageOn(
        name,
        () ->
            new ShuffledDStream<>(
                name + "/Shuffle",
                parent.get(),
                keys,
                partitions,
                codec.<ElementCoder<Object>>map(c -> c)),
        List.of(input),
        reduceStep,
        outputs,
        sideInputs);
  }
}
