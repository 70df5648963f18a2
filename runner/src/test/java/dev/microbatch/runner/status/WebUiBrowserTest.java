package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
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

  @Test(timeout = 1_200_000)
  public void batchRowsAppearAndGrowAndABatchPageShowsItsSlices() throws Exception {
    String chromium = Browser.chromium();
    try (LiveRun job = new LiveRun("ui-spec")) {
      BatchHistory history = job.history();
      String url = job.address() + "/";
      job.awaitCompleted(3);

      String first = Browser.dom(chromium, url);
      int firstRows = Browser.rows(first, "batches").size();
      assertThat(firstRows, greaterThan(0));
      assertThat(first, containsString("RUNNING"));
      job.awaitCompleted(history.totals().completed() + 5);
      String later = Browser.dom(chromium, url);
      assertThat(Browser.rows(later, "batches").size(), greaterThan(firstRows));
      Matcher points = Pattern.compile("data-points=\"(\\d+)\"").matcher(later);
      assertTrue("charts in\n" + later, points.find());
      assertThat(Integer.parseInt(points.group(1)), greaterThan(0));

      long batchId = history.endedBatches().get(0).batch().batchTime().millis();
      String batchPage = Browser.dom(chromium, url + "#/batch/" + batchId);
      List<String> slices = Browser.rows(batchPage, "slices");
      assertEquals(1, slices.size());
      assertThat(slices.get(0), containsString("orders-0"));
      assertThat(Browser.rows(batchPage, "stages").get(0), containsString("stage:Count"));

      // Histograms of delays and times, and the input's rate bound: 10 per 200 ms batch.
      assertThat(later, containsString("class=\"chart histogram\""));
      assertThat(later, containsString("50 records/s"));
      // The batch table has a column per input.
      assertThat(later, containsString("<th class=\"\">Orders</th>"));

      // The pipeline's graph is drawn: a box per stream, an arrow per dependency.
      assertThat(later, containsString("<g class=\"node input\""));
      assertThat(later, containsString("<g class=\"node stage\""));
      assertThat(later, containsString("class=\"edge\""));

      // Inputs: each partition's committed offset, end and lag; metrics: Beam's per step.
      List<String> partitions = Browser.rows(Browser.dom(chromium, url + "#/inputs"), "partitions");
      assertEquals(1, partitions.size());
      assertThat(partitions.get(0), containsString("orders-0"));
      List<String> metrics = Browser.rows(Browser.dom(chromium, url + "#/metrics"), "beam-metrics");
      assertThat(metrics.get(0), containsString("Count"));

      // Checkpoints: this run restored nothing and writes none.
      assertThat(
          Browser.dom(chromium, url + "#/checkpoints"), containsString("Started afresh"));

      Browser.screenshot(chromium, url, Path.of("target", "ui-overview.png"));
      Browser.screenshot(chromium, url + "#/batch/" + batchId, Path.of("target", "ui-batch.png"));
    }
  }
}
