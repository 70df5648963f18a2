package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.JobGenerator;
import dev.microbatch.runner.scheduler.JobScheduler;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A run shows what its listeners see: the REST API lists the batches and their details, /metrics
 * counts them for Prometheus, and the event log holds one JSON line per event.
 */
public class RunStatusTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * Batches of 2, 3 and 1 numbers, at watermarks 10, 20, 30, then exhausted; read as offset ranges
   * of one partition of 6 records, as a Kafka input would.
   */
  private static final class Numbers extends InputDStream<Integer> {
    private final List<List<Integer>> batches =
        List.of(List.of(1, 2), List.of(3, 4, 5), List.of(6));
    private int next;
    private long offset;

    Numbers() {
      super("Numbers");
    }

    @Override
    protected BatchResult<Integer> compute(BatchContext batch) {
      List<Integer> numbers = batches.get(next++);
      batch.addRecordsIn(name(), numbers.size());
      batch.addSlices(
          List.of(new SliceInfo(id(), "numbers-0", offset, offset + numbers.size(), 6, 3)));
      offset += numbers.size();
      return BatchResult.of(List.of(new ListPartition<>(numbers)), new Instant(next * 10L));
    }

    @Override
    protected boolean hasDeliveredEverything() {
      return next >= batches.size();
    }
  }

  private static final class Recorder implements StreamingListener {
    final List<BatchInfo> completed = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onBatchCompleted(BatchInfo batch) {
      completed.add(batch);
    }
  }

  private static JsonNode get(URI base, String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(path, 200, response.statusCode());
    return JSON.readTree(response.body());
  }

  private static String text(URI base, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  public void restMetricsAndEventLogShowWhatListenersSaw() throws Exception {
    PipelineRun run =
        new PipelineRun(
            DStreamGraph.of(
                List.of(new FusedStageDStream("Check", new Numbers(), List.of(), Stages.DISCARD)),
                100),
            new LocalTaskExecutor(2, "status-spec"));
    JobScheduler scheduler =
        new JobScheduler(run, JobGenerator.backToBack(BatchClock.system(), 100), false);
    Recorder recorder = new Recorder();
    scheduler.addListener(recorder);
    BatchHistory history = new BatchHistory(RunStatus.RETAINED_BATCHES);
    scheduler.addListener(history);
    StatusServer.RunInfo info =
        new StatusServer.RunInfo(
            "spec-run",
            "spec run",
            0,
            100,
            false,
            java.util.Map.of("parallelism", "2"),
            java.util.Map.of(),
            java.util.Map.of("checkpoint", "2026-11-30T12:00:00.000Z"));
    Path logDir = folder.newFolder("events").toPath();
    EventLog log = EventLog.open(logDir.toString(), info, java.util.Map.of());
    scheduler.addListener(log);
    scheduler.onTermination(
        status -> log.runEnded(status.name(), MetricsJson.of(run.metrics().results())));

    JsonNode liveBatches;
    JsonNode liveDetail;
    JsonNode liveStatistics;
    JsonNode liveMetrics;
    try (StatusServer server =
        StatusServer.start(
            "127.0.0.1", 0, info, history, run.metrics(), () -> scheduler.status().name())) {
      scheduler.start("status-spec");
      assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));
      URI base = server.address();

      // The batches, newest first, as the listener saw them.
      JsonNode batches = get(base, "/api/v1/applications/spec-run/streaming/batches");
      liveBatches = batches;
      assertEquals(3, batches.size());
      for (int i = 0; i < 3; i++) {
        BatchInfo seen = recorder.completed.get(2 - i);
        JsonNode batch = batches.get(i);
        assertEquals(seen.batchTime().millis(), batch.get("batchId").asLong());
        assertEquals(seen.totalRecordsIn(), batch.get("inputSize").asLong());
        assertEquals("COMPLETED", batch.get("status").asText());
      }

      // One batch in detail: its stage's tasks and records, each stream's watermark.
      BatchInfo second = recorder.completed.get(1);
      JsonNode detail =
          get(
              base,
              "/api/v1/applications/spec-run/streaming/batches/" + second.batchTime().millis());
      assertEquals("stage:Check", detail.get("stages").get(0).get("stage").asText());
      assertEquals(3, detail.get("stages").get(0).get("recordsIn").asLong());
      assertEquals(
          new Instant(20).toString(), detail.get("watermarks").get("input:Numbers").asText());
      liveDetail = detail;
      JsonNode slice = detail.get("slices").get(0);
      assertEquals(2, slice.get("fromOffset").asLong());
      assertEquals(5, slice.get("untilOffset").asLong());
      assertEquals(1, slice.get("lag").asLong());

      JsonNode statistics = get(base, "/api/v1/applications/spec-run/streaming/statistics");
      liveStatistics = statistics;
      assertEquals(3, statistics.get("numTotalCompletedBatches").asLong());
      assertEquals(6, statistics.get("numProcessedRecords").asLong());

      // Beam metrics per step, attempted and committed: the stage counted its 6 elements.
      liveMetrics = get(base, "/api/v1/applications/spec-run/metrics");
      JsonNode elements = liveMetrics.get(0);
      assertEquals("Check", elements.get("step").asText());
      assertEquals(6, elements.get("attempted").asLong());
      assertEquals(6, elements.get("committed").asLong());

      String metrics = text(base, "/metrics");
      assertThat(metrics, containsString("microbatch_batches_completed_total 3.0"));
      assertThat(metrics, containsString("microbatch_records_in_total{input=\"Numbers\"} 6.0"));
      assertThat(metrics, containsString("step=\"Check\""));
      assertThat(
          metrics,
          containsString(
              "microbatch_input_lag_records{input=\"input:Numbers\",partition=\"numbers-0\"} 0.0"));
      // At most 3 records per 100 ms batch: 30 records/s.
      assertThat(
          metrics,
          containsString(
              "microbatch_input_rate_bound_records_per_second{input=\"input:Numbers\"} 30.0"));
    }

    // The event log: the run's start, three events per batch, the run's end; its completed batches
    // are the REST API's batches in detail.
    List<String> lines = Files.readAllLines(Path.of(log.location()));
    assertEquals(1 + 3 * 3 + 1, lines.size());
    assertEquals("RunStarted", JSON.readTree(lines.get(0)).get("event").asText());
    JsonNode completed = JSON.readTree(lines.get(3));
    assertEquals("BatchCompleted", completed.get("event").asText());
    assertEquals(
        recorder.completed.get(0).batchTime().millis(), completed.get("batchId").asLong());
    assertEquals(2, completed.get("inputSize").asLong());
    JsonNode ended = JSON.readTree(lines.get(lines.size() - 1));
    assertEquals("RunEnded", ended.get("event").asText());
    assertEquals("DONE", ended.get("state").asText());

    // The history server answers from the log exactly as the live run did.
    try (StatusServer fromLog =
        StatusServer.history("127.0.0.1", 0, HistoryServer.eventLogs(logDir.toString()))) {
      URI base = fromLog.address();
      String batchId = liveDetail.get("batchId").asText();
      assertEquals(liveBatches, get(base, "/api/v1/applications/spec-run/streaming/batches"));
      assertEquals(
          liveDetail, get(base, "/api/v1/applications/spec-run/streaming/batches/" + batchId));
      assertEquals(
          liveStatistics, get(base, "/api/v1/applications/spec-run/streaming/statistics"));
      assertEquals(liveMetrics, get(base, "/api/v1/applications/spec-run/metrics"));
    }
  }

  @Test
  public void theStatusOptionsParseFromTheCommandLine() {
    MonitoringOptions options =
        org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(
                "--runner=MicroBatchRunner",
                "--uiPort=0",
                "--uiHost=0.0.0.0",
                "--eventLogDir=/tmp/events")
            .withValidation()
            .as(MonitoringOptions.class);
    assertEquals(0, options.getUiPort());
    assertEquals("0.0.0.0", options.getUiHost());
    assertEquals("/tmp/events", options.getEventLogDir());
  }

  @Test
  public void aLogCutShortByACrashIsReadUpToItsLastWholeLine() throws Exception {
    Path log = folder.newFile("crashed.jsonl").toPath();
    Files.writeString(
        log,
        "{\"event\":\"RunStarted\",\"id\":\"crashed\",\"name\":\"crashed\",\"startTime\":1,"
            + "\"batchDuration\":100}\n"
            + "{\"event\":\"BatchCompleted\",\"batchId\":100,\"status\":\"COMPLETED\","
            + "\"inputSize\":5,\"recordsIn\":{\"in\":5}}\n"
            + "{\"event\":\"BatchStarted\",\"batchId\":200,\"status\":\"PROCESSING\"}\n"
            + "{\"event\":\"BatchCompleted\",\"batchId\":200,\"sta");
    try (StatusServer history =
        StatusServer.history("127.0.0.1", 0, HistoryServer.eventLogs(log.toString()))) {
      JsonNode batches = get(history.address(), "/api/v1/applications/crashed/streaming/batches");
      assertEquals(2, batches.size());
      assertEquals("PROCESSING", batches.get(0).get("status").asText());
      assertEquals(100, batches.get(1).get("batchId").asLong());
      JsonNode statistics =
          get(history.address(), "/api/v1/applications/crashed/streaming/statistics");
      assertEquals(1, statistics.get("numTotalCompletedBatches").asLong());
      assertEquals(5, statistics.get("numProcessedRecords").asLong());
    }
  }
}
