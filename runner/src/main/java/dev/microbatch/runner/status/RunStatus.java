package dev.microbatch.runner.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.checkpoint.GraphCheckpointer;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.PipelineRun;
import java.util.ArrayList;
import java.util.List;
import dev.microbatch.runner.scheduler.JobScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches what a run shows of itself to its scheduler: the batch history, the status endpoint
 * (unless {@code --uiPort=0}) and the event log (with {@code --eventLogDir}); both close when the
 * run ends.
 */
public final class RunStatus {

  private static final Logger LOG = LoggerFactory.getLogger(RunStatus.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How many ended batches the REST API keeps, as Spark's streaming UI does by default. */
  static final int RETAINED_BATCHES = 1000;

  private RunStatus() {}

  /**
   * Attaches the run's status to its scheduler.
   *
   * @return where the status endpoint and web UI listen, unless disabled or failed to start
   */
  public static Optional<URI> attach(
      JobScheduler scheduler,
      PipelineRun pipelineRun,
      MicroBatchPipelineOptions options,
      Optional<GraphCheckpointer.Resume> resumed) {
    MonitoringOptions monitoring = options.as(MonitoringOptions.class);
    long started = System.currentTimeMillis();
    StatusServer.RunInfo run =
        new StatusServer.RunInfo(
            runId(options.getJobName()),
            options.getJobName(),
            started,
            options.getBatchIntervalMillis(),
            options.isStreaming(),
            setOptions(options),
            graph(pipelineRun.graph()),
            restored(resumed));
    BatchHistory history = new BatchHistory(RETAINED_BATCHES);
    scheduler.addListener(history);
    StatusServer.RunInfo info = run;
    if (monitoring.getEventLogDir() != null) {
      EventLog log = openEventLog(monitoring.getEventLogDir(), run);
      info = log.run();
      scheduler.addListener(log);
      scheduler.onTermination(
          status -> log.runEnded(status.name(), MetricsJson.of(pipelineRun.metrics().results())));
      LOG.info("Event log at {}", log.location());
    }
    if (monitoring.getUiPort() > 0) {
      try {
        StatusServer server =
            StatusServer.start(
                monitoring.getUiHost(),
                monitoring.getUiPort(),
                info,
                history,
                pipelineRun.metrics(),
                () -> scheduler.status().name());
        scheduler.onTermination(status -> server.close());
        LOG.info(
            "UI at {} (REST API under /api/v1/applications, metrics at /metrics)",
            server.address());
        return Optional.of(server.address());
      } catch (IOException e) {
        // A run without its status endpoint still runs; the reason is in the log.
        LOG.warn("The status endpoint did not start; the run goes on without it", e);
      }
    }
    return Optional.empty();
  }

  /** What a resumed run restored: the checkpoint's batch, and the pending batch it re-runs. */
  static Map<String, Object> restored(Optional<GraphCheckpointer.Resume> resumed) {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    resumed.ifPresent(
        resume -> {
          resume.lastCommitted().ifPresent(t -> json.put("checkpoint", t.toInstant().toString()));
          if (!resume.pending().isEmpty()) {
            json.put("pendingBatch", resume.pending().get(0).toInstant().toString());
            json.put(
                "pendingBatches",
                resume.pending().stream().map(t -> t.toInstant().toString()).toList());
          }
        });
    return json;
  }

  /** The graph as the UI draws it: each stream (id, kind, name) and each dependency. */
  static Map<String, Object> graph(DStreamGraph graph) {
    List<Map<String, Object>> nodes = new ArrayList<>();
    List<Map<String, Object>> edges = new ArrayList<>();
    graph
        .streamsById()
        .forEach(
            (id, stream) -> {
              String kind = id.substring(0, id.indexOf(':'));
              nodes.add(Map.of("id", id, "kind", kind, "name", stream.name()));
              for (DStream<?> dependency : stream.dependencies()) {
                edges.add(Map.of("from", dependency.id(), "to", id));
              }
            });
    return Map.of("nodes", nodes, "edges", edges);
  }

  /** The options that were set, by name, as Beam writes them (its own JSON form of options). */
  static Map<String, Object> setOptions(MicroBatchPipelineOptions options) {
    try {
      JsonNode json = JSON.valueToTree(options).path("options");
      Map<String, Object> set = new java.util.TreeMap<>();
      json.fields().forEachRemaining(field -> set.put(field.getKey(), field.getValue().toString()));
      return set;
    } catch (IllegalArgumentException e) {
      LOG.warn("Could not list the pipeline options for the status endpoint", e);
      return Map.of();
    }
  }

  /** The job name as it can stand in a URL path and a file name. */
  static String runId(String jobName) {
    return jobName.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static EventLog openEventLog(String dir, StatusServer.RunInfo info) {
    try {
      return EventLog.open(dir, info, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the event log in --eventLogDir=" + dir, e);
    }
  }
}
