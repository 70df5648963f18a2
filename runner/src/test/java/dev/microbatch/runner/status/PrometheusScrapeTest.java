package dev.microbatch.runner.status;

import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A real Prometheus server (Debian's package, installed when missing) scrapes a running job's
 * /metrics, and a query through its HTTP API sees the job's batch counter rise.
 */
public class PrometheusScrapeTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static int freePort() throws Exception {
    try (ServerSocket socket =
        new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  /** The value of an instant query with one result, if Prometheus has one yet. */
  private static OptionalDouble query(URI prometheus, String expression) {
    try {
      URI uri =
          prometheus.resolve(
              "/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode result = JSON.readTree(response.body()).path("data").path("result");
      if (response.statusCode() != 200 || result.size() != 1) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(result.get(0).path("value").get(1).asDouble());
    } catch (java.io.IOException e) {
      return OptionalDouble.empty(); // not up yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  @Test(timeout = 1_200_000)
  public void prometheusScrapesTheBatchCounterAsItRises() throws Exception {
    String prometheus = Tools.tool("prometheus", "prometheus");
    try (LiveRun job = new LiveRun("prometheus-spec")) {
      Path config = folder.newFile("prometheus.yml").toPath();
      Files.writeString(
          config,
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "scrape_configs:",
              "  - job_name: microbatch",
              "    static_configs:",
              "      - targets: ['127.0.0.1:" + job.address().getPort() + "']",
              ""));
      int port = freePort();
      Process server =
          new ProcessBuilder(
                  List.of(
                      prometheus,
                      "--config.file=" + config,
                      "--storage.tsdb.path=" + folder.newFolder("tsdb"),
                      "--web.listen-address=127.0.0.1:" + port))
              .redirectErrorStream(true)
              .redirectOutput(folder.newFile("prometheus.log"))
              .start();
      try {
        URI api = URI.create("http://127.0.0.1:" + port);
        String counter = "microbatch_batches_completed_total{job=\"microbatch\"}";
        double[] first = new double[1];
        Tools.await(
            "a first scrape of the batch counter",
            Duration.ofSeconds(120),
            () -> {
              OptionalDouble value = query(api, counter);
              value.ifPresent(v -> first[0] = v);
              return value.isPresent();
            });
        Tools.await(
            "the scraped batch counter to rise above " + first[0],
            Duration.ofSeconds(60),
            () -> query(api, counter).orElse(0) > first[0]);
        // The records counter of the input is scraped with its label, too.
        assertTrue(
            query(api, "microbatch_records_in_total{input=\"Orders\"}").orElse(0) > 0);
      } finally {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }
}
