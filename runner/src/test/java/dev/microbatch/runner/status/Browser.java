package dev.microbatch.runner.status;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Headless Chromium for the web UI's specs: a page's DOM after its scripts ran, screenshots. */
public final class Browser {

  private Browser() {}

  public static String chromium() throws Exception {
    return Tools.tool("chromium", "chromium", "chromium-browser", "google-chrome");
  }

  /** The page's DOM once its scripts ran: Chromium loads it and waits for its fetches. */
  public static String dom(String chromium, String url) throws Exception {
    return Tools.run(
        Duration.ofMinutes(2),
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=5000",
        "--dump-dom",
        url);
  }

  public static void screenshot(String chromium, String url, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Tools.run(
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
  public static List<String> rows(String dom, String tableId) {
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

}
