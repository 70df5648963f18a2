package dev.microbatch.runner.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's event log: one JSON line per event (the run's start, every batch submitted, started,
 * completed, retried or failed, the run's end). In a local folder each line is written through to
 * the file as it happens, so that the log of a run killed with SIGKILL is whole up to its last
 * event; in any other Beam FileSystem the log is written in segments (see {@link EventLogStore}).
 * A history server reads it back as the live REST API would have shown it.
 */
public final class EventLog implements StreamingListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventLogStore.Writer writer;
  private final StatusServer.RunInfo run;
  private boolean open = true;

  private EventLog(EventLogStore.Writer writer, StatusServer.RunInfo run) {
    this.writer = writer;
    this.run = run;
  }

  /**
   * Opens a new log for {@code run} in {@code dir} (a local folder, or a folder URI of any Beam
   * FileSystem; the run's id gets {@code -2}, {@code -3}, ... added if a log of that id exists) and
   * writes the run's first event: the run as the REST API shows it, with {@code extra} fields.
   *
   * @throws IllegalArgumentException naming {@code --eventLogDir} when no FileSystem serves it
   */
  public static EventLog open(String dir, StatusServer.RunInfo run, Map<String, Object> extra)
      throws IOException {
    StatusServer.RunInfo[] logged = {run};
    EventLogStore.Writer writer =
        EventLogStore.create(dir, run.id(), id -> logged[0] = run.withId(id));
    EventLog log = new EventLog(writer, logged[0]);
    Map<String, Object> started = BatchJson.application(logged[0]);
    started.putAll(extra);
    log.write("RunStarted", started);
    return log;
  }

  /** Where the log is written: its file, or its folder of segments. */
  public String location() {
    return writer.location();
  }

  /** The run as logged: its id is the log's name. */
  public StatusServer.RunInfo run() {
    return run;
  }

  @Override
  public void onBatchSubmitted(BatchInfo batch) {
    write("BatchSubmitted", BatchJson.summary(batch, "QUEUED"));
  }

  @Override
  public void onBatchStarted(BatchInfo batch) {
    write("BatchStarted", BatchJson.summary(batch, "PROCESSING"));
  }

  @Override
  public void onBatchCompleted(BatchInfo batch) {
    write("BatchCompleted", BatchJson.detailed(batch, "COMPLETED"));
    batchEnded();
  }

  @Override
  public void onBatchRetried(BatchInfo batch, Throwable error) {
    write("BatchRetried", BatchJson.detailed(batch, "RETRIED"));
  }

  @Override
  public void onBatchFailed(BatchInfo batch, Throwable error) {
    write("BatchFailed", BatchJson.detailed(batch, "FAILED"));
    batchEnded();
  }

  /** Writes the run's last event, with how it ended and its final metrics, and closes the log. */
  public void runEnded(String state, List<Map<String, Object>> metrics) {
    write("RunEnded", Map.of("state", state, "metrics", metrics));
    close();
  }

  private synchronized void write(String event, Map<String, Object> fields) {
    if (!open) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", event);
    line.put("time", System.currentTimeMillis());
    line.putAll(fields);
    try {
      writer.append(JSON.writeValueAsString(line));
    } catch (IOException e) {
      failed(e);
    }
  }

  private synchronized void batchEnded() {
    if (!open) {
      return;
    }
    try {
      writer.batchEnded();
    } catch (IOException e) {
      failed(e);
    }
  }

  private void failed(IOException e) {
    // The run goes on without its log rather than failing on it.
    LOG.warn("Could not write to the event log {}; the run goes on without it", location(), e);
    close();
  }

  @Override
  public synchronized void close() {
    if (!open) {
      return;
    }
    open = false;
    try {
      writer.close();
    } catch (IOException e) {
      LOG.warn("Could not finish the event log {}", location(), e);
    }
  }
}
