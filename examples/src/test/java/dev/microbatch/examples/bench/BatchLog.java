package dev.microbatch.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The completed batches of an application, read from its JSON-lines log: the runner's event log
 * ({@code --eventLogDir}), or the batch log the Spark Streaming application writes with the same
 * field names. A line still being written (no newline yet) is left for the next read.
 */
final class BatchLog {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMPLETED = "\"event\":\"BatchCompleted\"";

  /**
   * One completed batch.
   *
   * @param batchTime the batch's time, epoch ms
   * @param records records it read
   * @param schedulingDelayMillis from its time to its start
   * @param processingMillis from its start to its end
   * @param checkpointBytes the bytes of its checkpoint (0: none, or not a runner's log)
   * @param checkpointMillis how long writing its checkpoint took
   */
  record Batch(
      long batchTime,
      long records,
      long schedulingDelayMillis,
      long processingMillis,
      long checkpointBytes,
      long checkpointMillis) {}

  private BatchLog() {}

  /** The batches completed so far; none if the file is not there yet. */
  static List<Batch> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file);
    List<Batch> batches = new ArrayList<>();
    int start = 0;
    for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      String line = text.substring(start, end);
      start = end + 1;
      if (line.contains(COMPLETED)) {
        JsonNode batch = JSON.readTree(line);
        batches.add(
            new Batch(
                batch.path("batchId").asLong(),
                batch.path("inputSize").asLong(),
                batch.path("schedulingDelay").asLong(),
                batch.path("processingTime").asLong(),
                batch.path("checkpointBytes").asLong(),
                batch.path("checkpointTime").asLong()));
      }
    }
    return batches;
  }
}
