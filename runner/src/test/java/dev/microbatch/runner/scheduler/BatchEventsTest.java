package dev.microbatch.runner.scheduler;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchHooks;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.FusedStageDStream;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.ListPartition;
import dev.microbatch.runner.dstream.LocalBackend;
import dev.microbatch.runner.dstream.PipelineRun;
import dev.microbatch.runner.dstream.StageFunction;
import dev.microbatch.runner.dstream.StageTask;
import dev.microbatch.runner.dstream.TaskContext;
import dev.microbatch.runner.executor.LocalTaskExecutor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * Listeners learn what each batch did (its stages' tasks, records and watermarks), and of every
 * failed attempt: retried ones and the one that ends the run, with the failure.
 */
public class BatchEventsTest {

  /** One batch of three numbers in two partitions, at watermark 7, then exhausted. */
  private static final class Numbers extends InputDStream<Integer> {
    private boolean delivered;

    Numbers() {
      super("Numbers");
    }

    @Override
    protected BatchResult<Integer> compute(BatchContext batch) {
      delivered = true;
      return BatchResult.of(
          List.of(new ListPartition<>(List.of(1, 2)), new ListPartition<>(List.of(3))),
          new Instant(7));
    }

    @Override
    protected boolean hasDeliveredEverything() {
      return delivered;
    }
  }

  /** A stage that fails on element 3 as long as {@code failures} is positive. */
  private static StageFunction failing(AtomicInteger failures) {
    return new StageFunction() {
      @Override
      public int numOutputs() {
        return 0;
      }

      @Override
      public StageTask createTask(TaskContext context) {
        return element -> {
          if ((Integer) element == 3 && failures.getAndDecrement() > 0) {
            throw new IllegalStateException("element 3 is poison");
          }
        };
      }
    };
  }

  /** A checkpointer stand-in that can always restore: every failed batch may run again. */
  private static final BatchHooks ALWAYS_RETRY =
      new BatchHooks() {
        @Override
        public java.util.Optional<List<BatchTime>> prepareRetry(BatchTime failed, PipelineRun run) {
          return java.util.Optional.of(List.of());
        }
      };

  /** Every event, in order, as "kind attempt". */
  private static final class Recorder implements StreamingListener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<BatchInfo> infos = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onBatchCompleted(BatchInfo batch) {
      record("completed", batch);
    }

    @Override
    public void onBatchRetried(BatchInfo batch, Throwable error) {
      record("retried", batch);
    }

    @Override
    public void onBatchFailed(BatchInfo batch, Throwable error) {
      record("failed", batch);
    }

    private void record(String kind, BatchInfo batch) {
      events.add(kind + " " + batch.details().attempts());
      infos.add(batch);
    }
  }

  private static Recorder run(int failures, int maxRetries, JobScheduler.Status expected)
      throws Exception {
    FusedStageDStream stage =
        new FusedStageDStream(
            "Check", new Numbers(), List.of(), failing(new AtomicInteger(failures)));
    DStreamGraph graph = DStreamGraph.of(List.of(stage), 100);
    PipelineRun run =
        new PipelineRun(
            graph,
            new LocalTaskExecutor(2, "events-spec"),
            new LocalBackend(),
            ALWAYS_RETRY,
            maxRetries,
            dev.microbatch.runner.state.StateBackendSpec.HEAP);
    JobScheduler scheduler =
        new JobScheduler(run, JobGenerator.backToBack(BatchClock.system(), 100), false);
    Recorder recorder = new Recorder();
    scheduler.addListener(recorder);
    scheduler.start("events-spec");
    assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(expected, scheduler.status());
    return recorder;
  }

  @Test
  public void aCompletedBatchTellsWhatEachStageDidAndHowFarEachStreamGot() throws Exception {
    Recorder recorder = run(0, 0, JobScheduler.Status.DONE);

    assertEquals(List.of("completed 1"), recorder.events);
    BatchDetails details = recorder.infos.get(0).details();
    BatchDetails.StageInfo stage = details.stages().get(0);
    assertEquals("stage:Check", stage.stage());
    assertEquals(2, stage.tasks());
    assertEquals(3, stage.recordsIn());
    assertEquals(new Instant(7), stage.outputWatermark());
    assertEquals(new Instant(7), details.watermarks().get("input:Numbers"));
    assertEquals(new Instant(7), details.watermarks().get("stage:Check"));
    assertTrue(details.failure().isEmpty());
  }

  @Test
  public void aRetriedBatchIsReportedPerFailedAttemptThenCompleted() throws Exception {
    Recorder recorder = run(2, 2, JobScheduler.Status.DONE);

    assertEquals(List.of("retried 1", "retried 2", "completed 3"), recorder.events);
    String failure = recorder.infos.get(0).details().failure().orElseThrow();
    assertTrue(failure, failure.contains("element 3 is poison"));
    assertTrue(recorder.infos.get(2).details().failure().isEmpty());
  }

  @Test
  public void aBatchWithoutRetriesLeftIsReportedFailed() throws Exception {
    Recorder recorder = run(5, 1, JobScheduler.Status.FAILED);

    assertEquals(List.of("retried 1", "failed 2"), recorder.events);
    BatchInfo failed = recorder.infos.get(1);
    assertTrue(failed.failed());
    assertTrue(failed.details().failure().orElseThrow().contains("element 3 is poison"));
    assertTrue(failed.outputWatermark().isEmpty());
  }
}
