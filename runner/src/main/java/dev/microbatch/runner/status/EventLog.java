package dev.microbatch.runner.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's event log: one JSON line per event (the run's start, every batch submitted, started,
 * completed, retried or failed, the run's end), each written through to the file as it happens, so
 * that the log of a run killed with SIGKILL is whole up to its last event. A history server reads
 * it back as the live REST API would have shown it.
 */
public final class EventLog implements StreamingListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final FileChannel channel;
  private final StatusServer.RunInfo run;

  private EventLog(Path file, FileChannel channel, StatusServer.RunInfo run) {
    this.file = file;
    this.channel = channel;
    this.run = run;
  }

  /**
   * Opens {@code <dir>/<run id>.jsonl} (with {@code -2}, {@code -3}, ... added to the id if taken)
   * and writes the run's first event: the run as the REST API
   * shows it, with {@code extra} fields. Only local directories are
   * supported: a log must be readable after a crash, which needs appends that reach the file at
   * once.
   *
   * @throws IllegalArgumentException naming {@code --eventLogDir} when it is not a local directory
   *     that can be written
   */
  public static EventLog open(String dir, StatusServer.RunInfo run, Map<String, Object> extra)
      throws IOException {
    Path directory = localDirectory(dir);
    Files.createDirectories(directory);
    // A job name run again in the same folder gets the next free id, so no log is overwritten.
    StatusServer.RunInfo logged = run;
    for (int n = 2; Files.exists(directory.resolve(logged.id() + ".jsonl")); n++) {
      logged = run.withId(run.id() + "-" + n);
    }
    Path file = directory.resolve(logged.id() + ".jsonl");
    FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    EventLog log = new EventLog(file, channel, logged);
    Map<String, Object> started = BatchJson.application(logged);
    started.putAll(extra);
    log.write("RunStarted", started);
    return log;
  }

  private static Path localDirectory(String dir) {
    String path = dir.startsWith("file://") ? dir.substring("file://".length()) : dir;
    if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new IllegalArgumentException(
          "Invalid value for --eventLogDir: "
              + dir
              + " (only local directories are supported: a log must be whole after a crash)");
    }
    return Path.of(path);
  }

  public Path file() {
    return file;
  }

  /** The run as logged: its id is the log's name without {@code .jsonl}. */
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
  }

  @Override
  public void onBatchRetried(BatchInfo batch, Throwable error) {
    write("BatchRetried", BatchJson.detailed(batch, "RETRIED"));
  }

  @Override
  public void onBatchFailed(BatchInfo batch, Throwable error) {
    write("BatchFailed", BatchJson.detailed(batch, "FAILED"));
  }

  /** Writes the run's last event, with how it ended and its final metrics, and closes the file. */
  public void runEnded(String state, List<Map<String, Object>> metrics) {
    write("RunEnded", Map.of("state", state, "metrics", metrics));
    close();
  }

  private synchronized void write(String event, Map<String, Object> fields) {
    if (!channel.isOpen()) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", event);
    line.put("time", System.currentTimeMillis());
    line.putAll(fields);
    try {
      byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      // The run goes on without its log rather than failing on it.
      LOG.warn("Could not write to the event log {}; the run goes on without it", file, e);
      close();
    }
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
