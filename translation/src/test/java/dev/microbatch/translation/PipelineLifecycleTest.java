package dev.microbatch.translation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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

  /**
   * Holds each element until the test lets it through; counts the elements that entered. Gates
   * live here, by run id, because the pipeline's DoFns are serialized copies.
   */
  private static final Map<String, Gate> GATES = new ConcurrentHashMap<>();

  private record Gate(Semaphore permits, AtomicInteger entered) {
    static Gate open(String runId) {
      Gate gate = new Gate(new Semaphore(0), new AtomicInteger());
      GATES.put(runId, gate);
      return gate;
    }

    /** Waits, with a deadline, until {@code count} elements have entered. */
    void awaitEntered(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (entered.get() < count) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(entered.get() + " of " + count + " elements entered");
        }
        Thread.sleep(10);
      }
    }
  }

  private static final class Gated extends DoFn<Integer, Integer> {
    private final String runId;

    Gated(String runId) {
      this.runId = runId;
    }

    @ProcessElement
    public void process(ProcessContext c) throws InterruptedException {
      Gate gate = GATES.get(runId);
      gate.entered().incrementAndGet();
      if (!gate.permits().tryAcquire(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never let element " + c.element() + " through");
      }
      c.output(c.element());
    }
  }

  @Test(timeout = 60_000)
  public void waitWithATimeoutReturnsRunningWhileABatchIsUnderWayThenDone() throws Exception {
    String runId = UUID.randomUUID().toString();
    Gate gate = Gate.open(runId);
    Pipeline p = pipeline();
    p.apply(Create.of(1)).apply(ParDo.of(new Gated(runId)));

    PipelineResult result = p.run();
    gate.awaitEntered(1);

    assertEquals(PipelineResult.State.RUNNING, result.waitUntilFinish(Duration.millis(100)));
    gate.permits().release();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
  }

  @Test(timeout = 60_000)
  public void cancelStopsAfterTheBatchInFlightWhichCompletes() throws Exception {
    String runId = UUID.randomUUID().toString();
    Gate gate = Gate.open(runId);
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setLogEveryBatch(false);
    options.setParallelism(1);
    options.setMaxRecordsPerBatch(1L);
    Pipeline p = Pipeline.create(options);
    // One element per batch: eight batches, of which the first is held in flight.
    p.apply(Create.of(1, 2, 3, 4, 5, 6, 7, 8)).apply(ParDo.of(new Gated(runId)));
    PipelineResult result = p.run();
    gate.awaitEntered(1);

    AtomicReference<PipelineResult.State> cancelled = new AtomicReference<>();
    Thread canceller =
        new Thread(
            () -> {
              try {
                cancelled.set(result.cancel());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "canceller");
    canceller.start();
    // cancel() has asked the run to stop and waits for the batch in flight to end.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (canceller.getState() != Thread.State.WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("cancel() did not wait for the batch in flight");
      }
      Thread.sleep(10);
    }
    gate.permits().release(8);
    canceller.join(TimeUnit.SECONDS.toMillis(30));

    assertEquals(PipelineResult.State.CANCELLED, cancelled.get());
    assertEquals(PipelineResult.State.CANCELLED, result.getState());
    assertEquals("elements that entered the step: the batch in flight's", 1, gate.entered().get());
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
