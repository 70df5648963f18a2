package dev.microbatch.translation.translators;

import dev.microbatch.io.TestStreamInputDStream;
import dev.microbatch.runner.scheduler.ManualBatchClock;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import java.util.List;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.testing.TestStream;

/** TestStream: an input that replays the script and drives the pipeline's manual clock. */
public final class TestStreamTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    TestStream<?> testStream = (TestStream<?>) transform.getTransform();
    String name = transform.getFullName();
    ManualBatchClock clock = context.manualClock();
    context.setStream(
        Translators.onlyOutput(transform),
        () -> new TestStreamInputDStream<>(name, testStream, clock),
        List.of());
  }
}
