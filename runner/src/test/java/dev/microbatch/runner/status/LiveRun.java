package dev.microbatch.runner.status;

import static org.junit.Assert.assertEquals;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
            RunStatus.graph(graph));
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
    await(
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

  /** Polls {@code condition} until it holds, failing once {@code timeout} has passed. */
  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the condition until its deadline
    }
  }

  /** Runs a command to its end (or the timeout) and returns what it printed; it must exit 0. */
  static String run(Duration timeout, String... command) throws Exception {
    // Standard error goes to a file: a browser writes a lot there, and a full pipe would stall it.
    Path errors = Files.createTempFile("status-spec", ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(errors.toFile()))
            .start();
    try {
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("Timed out: " + String.join(" ", command));
      }
      assertEquals(
          "exit of " + String.join(" ", command) + "\n" + Files.readString(errors),
          0,
          process.exitValue());
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(errors);
    }
  }

  /** The path of a tool, installed from Debian's package by the project's script when missing. */
  static String tool(String debianPackage, String... commands) throws Exception {
    String[] command = new String[3 + commands.length];
    command[0] = "bash";
    command[1] = "../scripts/ensure-tool.sh";
    command[2] = debianPackage;
    System.arraycopy(commands, 0, command, 3, commands.length);
    return run(Duration.ofMinutes(15), command).trim();
  }
}
