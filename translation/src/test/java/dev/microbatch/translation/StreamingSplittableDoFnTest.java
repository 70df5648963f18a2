package dev.microbatch.translation;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.TestMicroBatchRunner;
import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.BigEndianIntegerCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Test;

/** Unbounded splittable DoFns in a streaming pipeline: checkpointed at batch boundaries. */
public class StreamingSplittableDoFnTest {
  /** Pairs each string with the indices of its characters, resuming after every third one. */
  @DoFn.UnboundedPerElement
  static class Fn extends DoFn<String, KV<String, Integer>> {
    @ProcessElement
    public ProcessContinuation process(
        ProcessContext c, RestrictionTracker<OffsetRange, Long> tracker) {
      for (long i = tracker.currentRestriction().getFrom(), n = 0; tracker.tryClaim(i); ++i, ++n) {
        c.output(KV.of(c.element(), (int) i));
        if (n % 3 == 0) {
          return ProcessContinuation.resume();
        }
      }
      return ProcessContinuation.stop();
    }

    @GetInitialRestriction
    public OffsetRange getInitialRange(@Element String element) {
      return new OffsetRange(0, element.length());
    }
  }

  /**
   * Regression: resumptions are processing-time timers set for "now"; once the input was exhausted,
   * processing time stood at the end of time and such timers never came due.
   */
  @Test(timeout = 30_000)
  public void aResumingRestrictionIsProcessedToTheEndAfterItsInputIsExhausted() {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setStreaming(true);
    options.setBatchIntervalMillis(200L);
    Pipeline p = Pipeline.create(options);
    PCollection<KV<String, Integer>> res =
        p.apply(Create.of("a", "bb", "ccccc"))
            .apply(ParDo.of(new Fn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), BigEndianIntegerCoder.of()));
    PAssert.that(res)
        .containsInAnyOrder(
            Arrays.asList(
                KV.of("a", 0),
                KV.of("bb", 0),
                KV.of("bb", 1),
                KV.of("ccccc", 0),
                KV.of("ccccc", 1),
                KV.of("ccccc", 2),
                KV.of("ccccc", 3),
                KV.of("ccccc", 4)));
    p.run().waitUntilFinish();
  }
}
