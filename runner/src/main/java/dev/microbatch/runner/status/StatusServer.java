package dev.microbatch.runner.status;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.microbatch.runner.metrics.MetricsAccumulator;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's HTTP endpoint: a REST API shaped like Spark's streaming API ({@code
 * /api/v1/applications/{id}/streaming/statistics}, {@code .../batches}, {@code .../batches/{t}})
 * and Prometheus metrics at {@code /metrics}. It binds to the first free port from the one asked
 * for, like Spark's UI, so that several runs on one machine each get one.
 */
public final class StatusServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PORTS_TRIED = 100;
  private static final String API = "/api/v1/applications";

  /**
   * What the REST API says of the run itself.
   *
   * @param options the pipeline options that were set, by name
   * @param graph the DStream graph: {@code nodes} (id, kind, name) and {@code edges} (from, to)
   * @param restored what a resumed run restored: {@code checkpoint} (its batch time) and {@code
   *     pendingBatch} (the batch it re-ran first), {@code pendingBatches} (every batch it re-ran
   *     over its recorded slice, oldest first); empty for a fresh run
   */
  public record RunInfo(
      String id,
      String name,
      long startTimeMillis,
      long batchIntervalMillis,
      boolean streaming,
      Map<String, Object> options,
      Map<String, Object> graph,
      Map<String, Object> restored) {
    public RunInfo {
      options = Map.copyOf(options);
      graph = Map.copyOf(graph);
      restored = Map.copyOf(restored);
    }

    /** The same run under another id (a second run of one job name in one event log folder). */
    public RunInfo withId(String newId) {
      return new RunInfo(
          newId, name, startTimeMillis, batchIntervalMillis, streaming, options, graph, restored);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads;
  private final List<StatusSource> runs;
  private final Optional<PrometheusRegistry> registry;

  private StatusServer(
      HttpServer server, List<StatusSource> runs, Optional<PrometheusRegistry> registry) {
    this.server = server;
    this.runs = List.copyOf(runs);
    this.registry = registry;
    this.threads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "microbatch-status");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(threads);
    registry.ifPresent(r -> server.createContext("/metrics", this::metrics));
    server.createContext(API, this::api);
    server.createContext("/", this::page);
    server.start();
  }

  /**
   * Serves a live run, with its metrics, on {@code host}, on the first free port from {@code port}
   * on.
   *
   * @throws IOException when none of the ports tried is free
   */
  public static StatusServer start(
      String host,
      int port,
      RunInfo run,
      BatchHistory history,
      MetricsAccumulator metrics,
      java.util.function.Supplier<String> state)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new RunMetrics(history, metrics, run.batchIntervalMillis()));
    return bind(
        host, port, List.of(new LiveStatus(run, history, state, metrics)), Optional.of(registry));
  }

  /** Serves finished (or crashed) runs from their event logs, one application per log. */
  static StatusServer history(String host, int port, List<EventLogStore.Log> eventLogs)
      throws IOException {
    List<StatusSource> runs = new ArrayList<>();
    eventLogs.forEach(log -> runs.add(new LoggedStatus(log)));
    return bind(host, port, runs, Optional.empty());
  }

  private static StatusServer bind(
      String host, int port, List<StatusSource> runs, Optional<PrometheusRegistry> registry)
      throws IOException {
    BindException last = null;
    for (int candidate = port; candidate < port + PORTS_TRIED; candidate++) {
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, candidate), 0);
        return new StatusServer(server, runs, registry);
      } catch (BindException e) {
        last = e;
      }
    }
    throw new IOException(
        "No free port for the status endpoint in "
            + port
            + ".."
            + (port + PORTS_TRIED - 1)
            + " on "
            + host
            + " (--uiPort, --uiHost)",
        last);
  }

  /** Where the endpoint listens, e.g. {@code http://127.0.0.1:4040}. */
  public URI address() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /**
   * The web UI: {@code /} is its one page, {@code /static/...} its scripts, styles and vendored
   * libraries, all served from the jar.
   */
  private void page(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String resource =
        path.equals("/") || path.equals("/index.html")
            ? "index.html"
            : path.startsWith("/static/") ? path.substring("/static/".length()) : "";
    Optional<byte[]> body =
        resource.isEmpty() || resource.contains("..") ? Optional.empty() : uiResource(resource);
    if (body.isEmpty()) {
      respond(exchange, 404, "text/plain", ("Not found: " + path).getBytes(UTF_8));
      return;
    }
    respond(exchange, 200, contentType(resource), body.get());
  }

  private static Optional<byte[]> uiResource(String name) throws IOException {
    try (var in = StatusServer.class.getResourceAsStream("ui/" + name)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    }
  }

  private static String contentType(String resource) {
    if (resource.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (resource.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (resource.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return "application/octet-stream";
  }

  private void metrics(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create()
        .write(body, registry.orElseThrow().scrape(), EscapingScheme.DEFAULT);
    respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
  }

  private void api(HttpExchange exchange) throws IOException {
    try {
      Optional<Object> answer = answer(exchange.getRequestURI().getPath());
      if (answer.isPresent()) {
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(answer.get()));
      } else {
        respond(
            exchange,
            404,
            "application/json",
            JSON.writeValueAsBytes(
                Map.of("error", "no such resource: " + exchange.getRequestURI())));
      }
    } catch (RuntimeException e) {
      LOG.warn("Status request {} failed", exchange.getRequestURI(), e);
      respond(
          exchange,
          500,
          "application/json",
          JSON.writeValueAsBytes(Map.of("error", String.valueOf(e.getMessage()))));
    }
  }

  /** The JSON answer to a REST path, if there is one. */
  Optional<Object> answer(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.substring(API.length()).split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    if (parts.isEmpty()) {
      List<Object> applications = new ArrayList<>();
      runs.forEach(run -> applications.add(application(run)));
      return Optional.of(applications);
    }
    Optional<StatusSource> found =
        runs.stream().filter(run -> run.run().id().equals(parts.get(0))).findFirst();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    StatusSource run = found.get();
    if (parts.size() == 1) {
      return Optional.of(application(run));
    }
    if (parts.size() == 2 && parts.get(1).equals("metrics")) {
      return Optional.of(run.metrics());
    }
    boolean streaming = parts.size() >= 3 && parts.get(1).equals("streaming");
    if (streaming && parts.size() == 3 && parts.get(2).equals("statistics")) {
      return Optional.of(statistics(run));
    }
    if (streaming && parts.get(2).equals("batches")) {
      if (parts.size() == 3) {
        return Optional.of(run.batches());
      }
      if (parts.size() == 4 && parts.get(3).matches("-?\\d+")) {
        return run.batch(Long.parseLong(parts.get(3))).map(batch -> batch);
      }
    }
    return Optional.empty();
  }

  private static Map<String, Object> application(StatusSource run) {
    Map<String, Object> json = BatchJson.application(run.run());
    json.put("state", run.state());
    return json;
  }

  /** The run's totals and averages over the retained batches, as Spark's statistics has them. */
  private static Map<String, Object> statistics(StatusSource source) {
    RunInfo run = source.run();
    BatchHistory.Totals totals = source.totals();
    List<Map<String, Object>> batches = source.batches();
    List<Map<String, Object>> ended =
        batches.stream().filter(b -> !"PROCESSING".equals(b.get("status"))).toList();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("startTime", run.startTimeMillis());
    json.put("batchDuration", run.batchIntervalMillis());
    json.put("numActiveBatches", batches.size() - ended.size());
    json.put("numTotalCompletedBatches", totals.completed());
    json.put("numFailedBatches", totals.failed());
    json.put("numRetriedAttempts", totals.retriedAttempts());
    json.put("numRetainedCompletedBatches", ended.size());
    json.put("numProcessedRecords", totals.recordsIn());
    json.put("recordsInByInput", totals.recordsInByInput());
    average(ended, "inputSize")
        .ifPresent(size -> json.put("avgInputRate", size * 1000.0 / run.batchIntervalMillis()));
    average(ended, "schedulingDelay").ifPresent(delay -> json.put("avgSchedulingDelay", delay));
    average(ended, "processingTime").ifPresent(time -> json.put("avgProcessingTime", time));
    return json;
  }

  /** The mean of a numeric field over the batches that have it. */
  private static Optional<Double> average(List<Map<String, Object>> batches, String field) {
    double sum = 0;
    int n = 0;
    for (Map<String, Object> batch : batches) {
      if (batch.get(field) instanceof Number value) {
        sum += value.doubleValue();
        n++;
      }
    }
    return n == 0 ? Optional.empty() : Optional.of(sum / n);
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * Stops listening at once. Not {@code stop(1)}: on Java 17 that waits the whole second even with
   * no request in flight, and the run's end (waitUntilFinish) waits for this.
   */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
