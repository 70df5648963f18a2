package dev.microbatch.runner.status;

import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.FusedStageDStream;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.ListPartition;
import dev.microbatch.runner.dstream.PipelineRun;
import dev.microbatch.runner.executor.LocalTaskExecutor;
import dev.microbatch.runner.scheduler.BatchClock;
import dev.microbatch.runner.scheduler.BatchDetails.SliceInfo;
import dev.microbatch.runner.scheduler.JobGenerator;
import dev.microbatch.runner.scheduler.JobScheduler;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.joda.time.Instant;

/**
 * A streaming job that runs until closed, with its status endpoint: an endless input of three
 * records per 200 ms batch, read as offset ranges of one partition, into one stage. The specs of
 * the web UI and of the Prometheus endpoint watch it with real tools.
 */
final class LiveRun implements AutoCloseable {

  /** Three records per batch from partition orders-0, which always has 2 more than was read. */
  private static final class Endless extends InputDStream<Integer> {
    private long offset;

    Endless() {
      super("Orders");
    }

    @Override
    protected BatchResult<Integer> compute(BatchContext batch) {
      batch.addRecordsIn(name(), 3);
      batch.addSlices(List.of(new SliceInfo(id(), "orders-0", offset, offset + 3, offset + 5, 10)));
      offset += 3;
      return BatchResult.of(
          List.of(new ListPartition<>(List.of(1, 2, 3))), new Instant(batch.time().millis()));
    }

    @Override
    protected boolean hasDeliveredEverything() {
      return false;
    }
  }

  private final JobScheduler scheduler;
  private final BatchHistory history;
  private final StatusServer server;

  LiveRun(String id) throws IOException {
    DStreamGraph graph =
        DStreamGraph.of(
            List.of(new FusedStageDStream("Count", new Endless(), List.of(), Stages.DISCARD)),
            200);
    PipelineRun run = new PipelineRun(graph, new LocalTaskExecutor(2, id));
    scheduler = new JobScheduler(run, JobGenerator.realTime(BatchClock.system(), 200), false);
    history = new BatchHistory(RunStatus.RETAINED_BATCHES);
    scheduler.addListener(history);
    StatusServer.RunInfo info =
        new StatusServer.RunInfo(
            id,
            id,
            System.currentTimeMillis(),
            200,
            true,
            Map.of("parallelism", "2"),
            RunStatus.graph(graph),
            Map.of());
    server =
        StatusServer.start(
            "127.0.0.1", 0, info, history, run.metrics(), () -> scheduler.status().name());
    scheduler.start(id);
  }

  URI address() {
    return server.address();
  }

  BatchHistory history() {
    return history;
  }

  /** Waits until {@code count} batches have completed since the run started. */
  void awaitCompleted(long count) throws InterruptedException {
    Tools.await(
        count + " completed batches",
        Duration.ofSeconds(60),
        () -> history.totals().completed() >= count);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      scheduler.stop();
      assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));
    } finally {
      server.close();
    }
  }
}
