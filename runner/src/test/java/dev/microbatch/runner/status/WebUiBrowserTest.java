package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * The web UI in a real browser (headless Chromium, installed from Debian's packages when missing):
 * the batch table of a running streaming job fills and grows, its charts have points, and a batch's
 * page shows its input slices. Screenshots of both pages go to {@code target/}.
 */
public class WebUiBrowserTest {

  /** An endless input: three records per batch from one partition, read as offset ranges. */
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

  /** Runs a command to its end (or the timeout) and returns what it printed; it must exit 0. */
  private static String run(Duration timeout, String... command) throws Exception {
    // Standard error goes to a file: Chromium writes a lot there, and a full pipe would stall it.
    Path errors = Files.createTempFile("ui-spec", ".err");
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(errors.toFile())).start();
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

  private static String chromium() throws Exception {
    return run(Duration.ofMinutes(15), "bash", "../scripts/ensure-chromium.sh").trim();
  }

  /** The page's DOM once its scripts ran: Chromium loads it and waits for its fetches. */
  private static String dom(String chromium, String url) throws Exception {
    return run(
        Duration.ofMinutes(2),
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=5000",
        "--dump-dom",
        url);
  }

  private static void screenshot(String chromium, String url, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    run(
        Duration.ofMinutes(2),
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,1500",
        "--virtual-time-budget=5000",
        "--screenshot=" + file.toAbsolutePath(),
        url);
    assertTrue(file + " written", Files.size(file) > 0);
  }

  /** The rows of the body of the table with this id. */
  private static List<String> rows(String dom, String tableId) {
    Matcher table =
        Pattern.compile("<table id=\"" + tableId + "\">(.*?)</table>", Pattern.DOTALL).matcher(dom);
    assertTrue("table " + tableId + " in\n" + dom, table.find());
    Matcher body = Pattern.compile("<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(table.group(1));
    List<String> rows = new ArrayList<>();
    if (body.find()) {
      Matcher row = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(body.group(1));
      while (row.find()) {
        rows.add(row.group(1));
      }
    }
    return rows;
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the condition until its deadline
    }
  }

  @Test(timeout = 1_200_000)
  public void batchRowsAppearAndGrowAndABatchPageShowsItsSlices() throws Exception {
    String chromium = chromium();
    DStreamGraph graph =
        DStreamGraph.of(
            List.of(new FusedStageDStream("Count", new Endless(), List.of(), Stages.DISCARD)), 200);
    PipelineRun run = new PipelineRun(graph, new LocalTaskExecutor(2, "ui-spec"));
    JobScheduler scheduler =
        new JobScheduler(run, JobGenerator.realTime(BatchClock.system(), 200), false);
    BatchHistory history = new BatchHistory(RunStatus.RETAINED_BATCHES);
    scheduler.addListener(history);
    StatusServer.RunInfo info =
        new StatusServer.RunInfo(
            "ui-spec",
            "ui spec",
            System.currentTimeMillis(),
            200,
            true,
            Map.of("parallelism", "2"),
            RunStatus.graph(graph));
    try (StatusServer server =
        StatusServer.start(
            "127.0.0.1", 0, info, history, run.metrics(), () -> scheduler.status().name())) {
      scheduler.start("ui-spec");
      String url = server.address() + "/";
      await("3 batches", Duration.ofSeconds(60), () -> history.totals().completed() >= 3);

      String first = dom(chromium, url);
      int firstRows = rows(first, "batches").size();
      assertThat(firstRows, greaterThan(0));
      assertThat(first, containsString("RUNNING"));
      long seen = history.totals().completed();
      await(
          "5 more batches",
          Duration.ofSeconds(60),
          () -> history.totals().completed() >= seen + 5);
      String later = dom(chromium, url);
      assertThat(rows(later, "batches").size(), greaterThan(firstRows));
      Matcher points = Pattern.compile("data-points=\"(\\d+)\"").matcher(later);
      assertTrue("charts in\n" + later, points.find());
      assertThat(Integer.parseInt(points.group(1)), greaterThan(0));

      long batchId = history.endedBatches().get(0).batch().batchTime().millis();
      String batchPage = dom(chromium, url + "#/batch/" + batchId);
      List<String> slices = rows(batchPage, "slices");
      assertEquals(1, slices.size());
      assertThat(slices.get(0), containsString("orders-0"));
      assertThat(rows(batchPage, "stages").get(0), containsString("stage:Count"));

      // The pipeline's graph is drawn: a box per stream, an arrow per dependency.
      assertThat(later, containsString("<g class=\"node input\""));
      assertThat(later, containsString("<g class=\"node stage\""));
      assertThat(later, containsString("class=\"edge\""));

      screenshot(chromium, url, Path.of("target", "ui-overview.png"));
      screenshot(chromium, url + "#/batch/" + batchId, Path.of("target", "ui-batch.png"));
    } finally {
      scheduler.stop();
      assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));
    }
  }
}
