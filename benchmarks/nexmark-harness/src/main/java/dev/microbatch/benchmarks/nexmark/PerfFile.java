package dev.microbatch.benchmarks.nexmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the file Nexmark's {@code --perfFilename} appends to: per query run, comment lines, one
 * line with the configuration as JSON, then one with its {@code NexmarkPerf} as JSON (the format
 * of Nexmark's own baseline files).
 */
final class PerfFile {

  /** What Nexmark measured for one query. */
  record QueryPerf(
      int query,
      long numEvents,
      double eventsPerSec,
      long numResults,
      double runtimeSec,
      List<String> errors) {

    /**
     * The result count; Nexmark reports -1 when its result monitor counted nothing, which is no
     * result at all.
     */
    long results() {
      return Math.max(numResults, 0);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private PerfFile() {}

  /** The runs in {@code file} by query number; a query run twice keeps its last run. */
  static Map<Integer, QueryPerf> read(Path file) throws IOException {
    Map<Integer, QueryPerf> byQuery = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        lines.add(line);
      }
    }
    if (lines.size() % 2 != 0) {
      throw new IOException(
          file + ": expected pairs of configuration and perf lines, found " + lines.size());
    }
    for (int i = 0; i < lines.size(); i += 2) {
      QueryPerf perf = parse(lines.get(i), lines.get(i + 1));
      byQuery.put(perf.query(), perf);
    }
    return byQuery;
  }

  static QueryPerf parse(String configurationLine, String perfLine) throws IOException {
    JsonNode configuration = JSON.readTree(configurationLine);
    JsonNode perf = JSON.readTree(perfLine);
    int query = NexmarkQueries.number(configuration.path("query").asText());
    List<String> errors = new ArrayList<>();
    JsonNode errorNodes = perf.path("errors");
    if (errorNodes.isNull() || errorNodes.isMissingNode()) {
      // Nexmark's own summary treats a missing error list as an error.
      errors.add("no error list in the perf line");
    }
    errorNodes.forEach(error -> errors.add(error.asText()));
    return new QueryPerf(
        query,
        perf.path("numEvents").asLong(-1),
        perf.path("eventsPerSec").asDouble(-1),
        perf.path("numResults").asLong(-1),
        perf.path("runtimeSec").asDouble(-1),
        List.copyOf(errors));
  }
}
