package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The web UI in a real browser (headless Chromium, installed from Debian's packages when missing):
 * the batch table of a running streaming job fills and grows, its charts have points, and a batch's
 * page shows its input slices. Screenshots of both pages go to {@code target/}.
 */
public class WebUiBrowserTest {

  private static String chromium() throws Exception {
    return LiveRun.tool("chromium", "chromium", "chromium-browser", "google-chrome");
  }

  /** The page's DOM once its scripts ran: Chromium loads it and waits for its fetches. */
  private static String dom(String chromium, String url) throws Exception {
    return LiveRun.run(
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
    LiveRun.run(
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

  @Test(timeout = 1_200_000)
  public void batchRowsAppearAndGrowAndABatchPageShowsItsSlices() throws Exception {
    String chromium = chromium();
    try (LiveRun job = new LiveRun("ui-spec")) {
      BatchHistory history = job.history();
      String url = job.address() + "/";
      job.awaitCompleted(3);

      String first = dom(chromium, url);
      int firstRows = rows(first, "batches").size();
      assertThat(firstRows, greaterThan(0));
      assertThat(first, containsString("RUNNING"));
      job.awaitCompleted(history.totals().completed() + 5);
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

      // Inputs: each partition's committed offset, end and lag; metrics: Beam's per step.
      List<String> partitions = rows(dom(chromium, url + "#/inputs"), "partitions");
      assertEquals(1, partitions.size());
      assertThat(partitions.get(0), containsString("orders-0"));
      List<String> metrics = rows(dom(chromium, url + "#/metrics"), "beam-metrics");
      assertThat(metrics.get(0), containsString("Count"));

      screenshot(chromium, url, Path.of("target", "ui-overview.png"));
      screenshot(chromium, url + "#/batch/" + batchId, Path.of("target", "ui-batch.png"));
    }
  }
}
