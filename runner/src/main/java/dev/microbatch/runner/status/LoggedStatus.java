package dev.microbatch.runner.status;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's status read back from its event log: the same batches and totals the live REST API
 * showed, for a run that has finished or was killed. The log is read again at every request, so a
 * log that is still being written shows the run as far as it has got.
 */
final class LoggedStatus implements StatusSource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> LINE = new TypeReference<>() {};

  private final EventLogStore.Log log;

  LoggedStatus(EventLogStore.Log log) {
    this.log = log;
  }

  /** What one read of the log found. */
  private record Read(
      StatusServer.RunInfo run,
      String state,
      List<Map<String, Object>> metrics,
      Deque<Map<String, Object>> ended,
      Optional<Map<String, Object>> running,
      BatchHistory.Totals totals) {}

  private Read read() {
    List<String> lines;
    try {
      lines = log.lines();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the event log " + log.location(), e);
    }
    StatusServer.RunInfo run = null;
    String state = "INCOMPLETE";
    List<Map<String, Object>> metrics = List.of();
    Deque<Map<String, Object>> ended = new ArrayDeque<>();
    Map<String, Object> running = null;
    long completed = 0;
    long failed = 0;
    long retries = 0;
    long records = 0;
    Map<String, Long> byInput = new LinkedHashMap<>();
    for (String text : lines) {
      if (text.isBlank()) {
        continue;
      }
      Map<String, Object> line = parse(text);
      String event = String.valueOf(line.remove("event"));
      line.remove("time");
      switch (event) {
        case "RunStarted" -> run = BatchJson.run(line);
        case "RunEnded" -> {
          state = String.valueOf(line.get("state"));
          metrics = metricsOf(line.get("metrics"));
        }
        case "BatchStarted" -> running = line;
        case "BatchRetried" -> retries++;
        case "BatchCompleted", "BatchFailed" -> {
          running = null;
          ended.addLast(line);
          while (ended.size() > RunStatus.RETAINED_BATCHES) {
            ended.removeFirst();
          }
          if (event.equals("BatchFailed")) {
            failed++;
          } else {
            completed++;
            records += ((Number) line.get("inputSize")).longValue();
            Object in = line.get("recordsIn");
            if (in instanceof Map<?, ?> perInput) {
              perInput.forEach(
                  (input, count) ->
                      byInput.merge(
                          String.valueOf(input), ((Number) count).longValue(), Long::sum));
            }
          }
        }
        default -> {
          // BatchSubmitted adds nothing the API shows.
        }
      }
    }
    if (run == null) {
      throw new IllegalStateException(
          "The event log " + log.location() + " has no RunStarted line");
    }
    return new Read(
        run,
        state,
        metrics,
        ended,
        Optional.ofNullable(running),
        new BatchHistory.Totals(completed, failed, retries, records, byInput));
  }

  private Map<String, Object> parse(String text) {
    try {
      return JSON.readValue(text, LINE);
    } catch (IOException e) {
      // The last line of a log whose run was killed while writing it may be cut short.
      return new LinkedHashMap<>(Map.of("event", "Unreadable"));
    }
  }

  @Override
  public StatusServer.RunInfo run() {
    return read().run();
  }

  @Override
  public String state() {
    return read().state();
  }

  @Override
  public List<Map<String, Object>> metrics() {
    return read().metrics();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> metricsOf(Object logged) {
    return logged instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  @Override
  public List<Map<String, Object>> batches() {
    Read read = read();
    List<Map<String, Object>> json = new ArrayList<>();
    read.running().ifPresent(json::add);
    read.ended().descendingIterator().forEachRemaining(batch -> json.add(summaryOf(batch)));
    return json;
  }

  /** A logged batch in detail reduced to the fields of a summary. */
  private static Map<String, Object> summaryOf(Map<String, Object> detailed) {
    Map<String, Object> summary = new LinkedHashMap<>(detailed);
    for (String detail : BatchJson.DETAIL_FIELDS) {
      summary.remove(detail);
    }
    return summary;
  }

  @Override
  public Optional<Map<String, Object>> batch(long batchId) {
    for (Map<String, Object> batch : read().ended()) {
      if (((Number) batch.get("batchId")).longValue() == batchId) {
        return Optional.of(batch);
      }
    }
    return Optional.empty();
  }

  @Override
  public BatchHistory.Totals totals() {
    return read().totals();
  }
}
