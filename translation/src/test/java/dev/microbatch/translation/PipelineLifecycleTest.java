package dev.microbatch.translation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.joda.time.Duration;
import org.junit.Test;

/** What a user sees of a run: states, waiting with a timeout, cancelling, clear refusals. */
public class PipelineLifecycleTest {

  private static Pipeline pipeline() {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    return Pipeline.create(options);
  }

  private static final class Sleep extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(ProcessContext c) throws InterruptedException {
      Thread.sleep(1500);
      c.output(c.element());
    }
  }

  @Test
  public void waitWithATimeoutReturnsRunningThenDone() {
    Pipeline p = pipeline();
    p.apply(Create.of(1)).apply(ParDo.of(new Sleep()));
    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.RUNNING, result.waitUntilFinish(Duration.millis(100)));
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
  }

  @Test
  public void cancelStopsAfterTheBatchInFlight() throws Exception {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setLogEveryBatch(false);
    options.setMaxRecordsPerBatch(1L);
    Pipeline p = Pipeline.create(options);
    // One record per batch and a slow step: many batches, so cancel lands mid-run.
    p.apply(Create.of(1, 2, 3, 4, 5, 6, 7, 8)).apply(ParDo.of(new Sleep()));
    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.RUNNING, result.waitUntilFinish(Duration.millis(200)));
    assertEquals(PipelineResult.State.CANCELLED, result.cancel());
    assertEquals(PipelineResult.State.CANCELLED, result.getState());
  }

  @Test
  public void anUnsupportedTransformIsRefusedWithItsNameAndUrn() {
    Pipeline p = pipeline();
    p.apply("MyPrimitive", new UnknownPrimitive());
    UnsupportedTransformException e = assertThrows(UnsupportedTransformException.class, p::run);
    assertThat(e.getMessage(), containsString("MyPrimitive"));
    assertThat(e.getMessage(), containsString(UnknownPrimitive.URN));
  }
}
