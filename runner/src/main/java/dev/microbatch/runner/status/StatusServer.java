package dev.microbatch.runner.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.microbatch.runner.metrics.MetricsAccumulator;
import dev.microbatch.runner.scheduler.BatchInfo;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

  /** What the REST API says of the run itself. */
  public record RunInfo(String id, String name, long startTimeMillis, long batchIntervalMillis) {}

  private final HttpServer server;
  private final ExecutorService threads;
  private final RunInfo run;
  private final BatchHistory history;
  private final PrometheusRegistry registry = new PrometheusRegistry();

  private StatusServer(
      HttpServer server, RunInfo run, BatchHistory history, MetricsAccumulator metrics) {
    this.server = server;
    this.run = run;
    this.history = history;
    registry.register(new RunMetrics(history, metrics, run.batchIntervalMillis()));
    this.threads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "microbatch-status-" + run.id());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(threads);
    server.createContext("/metrics", this::metrics);
    server.createContext(API, this::api);
    server.start();
  }

  /**
   * Starts the endpoint on {@code host}, on the first free port from {@code port} on.
   *
   * @throws IOException when none of the ports tried is free
   */
  public static StatusServer start(
      String host, int port, RunInfo run, BatchHistory history, MetricsAccumulator metrics)
      throws IOException {
    BindException last = null;
    for (int candidate = port; candidate < port + PORTS_TRIED; candidate++) {
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, candidate), 0);
        return new StatusServer(server, run, history, metrics);
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

  private void metrics(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(body, registry.scrape(), EscapingScheme.DEFAULT);
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
            JSON.writeValueAsBytes(Map.of("error", "no such resource: " + exchange.getRequestURI())));
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
      return Optional.of(List.of(application()));
    }
    if (!parts.get(0).equals(run.id())) {
      return Optional.empty();
    }
    if (parts.size() == 1) {
      return Optional.of(application());
    }
    if (parts.size() == 3 && parts.get(1).equals("streaming") && parts.get(2).equals("statistics")) {
      return Optional.of(statistics());
    }
    if (parts.size() >= 3 && parts.get(1).equals("streaming") && parts.get(2).equals("batches")) {
      if (parts.size() == 3) {
        return Optional.of(batches());
      }
      if (parts.size() == 4 && parts.get(3).matches("-?\\d+")) {
        return history
            .batch(Long.parseLong(parts.get(3)))
            .map(ended -> BatchJson.detailed(ended.batch(), ended.status()));
      }
    }
    return Optional.empty();
  }

  private Map<String, Object> application() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", run.id());
    json.put("name", run.name());
    json.put("startTime", run.startTimeMillis());
    json.put("batchDuration", run.batchIntervalMillis());
    return json;
  }

  private List<Map<String, Object>> batches() {
    List<Map<String, Object>> json = new ArrayList<>();
    history.running().ifPresent(batch -> json.add(BatchJson.summary(batch, "PROCESSING")));
    for (BatchHistory.Ended ended : history.endedBatches()) {
      json.add(BatchJson.summary(ended.batch(), ended.status()));
    }
    return json;
  }

  /** The run's totals and averages over the retained batches, as Spark's statistics has them. */
  private Map<String, Object> statistics() {
    BatchHistory.Totals totals = history.totals();
    List<BatchHistory.Ended> retained = history.endedBatches();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("startTime", run.startTimeMillis());
    json.put("batchDuration", run.batchIntervalMillis());
    json.put("numActiveBatches", history.running().isPresent() ? 1 : 0);
    json.put("numTotalCompletedBatches", totals.completed());
    json.put("numFailedBatches", totals.failed());
    json.put("numRetriedAttempts", totals.retriedAttempts());
    json.put("numRetainedCompletedBatches", retained.size());
    json.put("numProcessedRecords", totals.recordsIn());
    json.put("recordsInByInput", totals.recordsInByInput());
    average(retained, b -> Optional.of(b.totalRecordsIn() * 1000.0 / run.batchIntervalMillis()))
        .ifPresent(rate -> json.put("avgInputRate", rate));
    average(retained, BatchInfo::schedulingDelayMillis)
        .ifPresent(delay -> json.put("avgSchedulingDelay", delay));
    average(retained, BatchInfo::processingTimeMillis)
        .ifPresent(time -> json.put("avgProcessingTime", time));
    return json;
  }

  /** The mean of {@code value} over the batches that have one. */
  private static Optional<Double> average(
      List<BatchHistory.Ended> batches,
      java.util.function.Function<BatchInfo, Optional<? extends Number>> value) {
    double sum = 0;
    int n = 0;
    for (BatchHistory.Ended ended : batches) {
      Optional<? extends Number> v = value.apply(ended.batch());
      if (v.isPresent()) {
        sum += v.get().doubleValue();
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

  /** Stops listening; a request in flight gets up to a second to finish. */
  @Override
  public void close() {
    server.stop(1);
    threads.shutdownNow();
  }
}
