package dev.microbatch.translation.translators;

import dev.microbatch.io.ReadBounds;
import dev.microbatch.io.SplitLimit;
import dev.microbatch.io.UnboundedSourceInputDStream;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.BoundedReadFromUnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.joda.time.Duration;

/**
 * {@code Read.from(unbounded).withMaxNumRecords(n)} / {@code .withMaxReadTime(d)}, read directly:
 * the source is split once per task and every split is read at the same time, each up to its share
 * of the records and for the read time. Beam's own expansion cuts the source into as many as 100
 * shards that are read one after another per worker, each for the full read time, which on a
 * two-core machine turns a 10 s read into minutes.
 *
 * <p>The transform does not expose its configuration, so it is read from its fields; should a
 * future Beam rename them, the transform falls back to Beam's expansion (slower, still correct).
 */
public final class BoundedReadFromUnboundedTranslator implements TransformTranslator {

  private record Config(UnboundedSource<?, ?> source, SplitLimit limit) {}

  @Override
  public boolean canTranslate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    return config(transform.getTransform()).isPresent();
  }

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    Config config = config(transform.getTransform()).orElseThrow();
    String name = transform.getFullName();
    MicroBatchPipelineOptions options = context.options();
    ReadBounds bounds =
        new ReadBounds(options.getMaxRecordsPerBatch(), options.getMaxReadTimeMillis());
    int parallelism = options.getParallelism();
    context.setStream(
        Translators.onlyOutput(transform),
        () ->
            new UnboundedSourceInputDStream<>(
                name,
                config.source(),
                context.serializableOptions().get(),
                parallelism,
                bounds,
                config.limit()),
        List.of());
  }

  private static Optional<Config> config(Object transform) {
    if (!(transform instanceof BoundedReadFromUnboundedSource<?>)) {
      return Optional.empty();
    }
    try {
      UnboundedSource<?, ?> source = (UnboundedSource<?, ?>) field(transform, "source");
      long maxRecords = (Long) field(transform, "maxNumRecords");
      Duration maxReadTime = (Duration) field(transform, "maxReadTime");
      return Optional.of(
          new Config(source, new SplitLimit(maxRecords, Optional.ofNullable(maxReadTime))));
    } catch (ReflectiveOperationException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    Field field = BoundedReadFromUnboundedSource.class.getDeclaredField(name);
    field.setAccessible(true);
    return field.get(target);
  }
}
