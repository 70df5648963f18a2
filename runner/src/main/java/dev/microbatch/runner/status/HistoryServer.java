package dev.microbatch.runner.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Serves finished or crashed runs from their event logs with the live REST API's paths and shapes:
 * {@code HistoryServer <event log dir or file> [port]}, on 127.0.0.1 from port 18080 on (as
 * Spark's history server), until the JVM is stopped.
 */
public final class HistoryServer {

  private HistoryServer() {}

  /** The event logs at {@code location}: the file, or every {@code *.jsonl} in the folder. */
  static List<Path> eventLogs(Path location) throws IOException {
    if (Files.isRegularFile(location)) {
      return List.of(location);
    }
    if (!Files.isDirectory(location)) {
      throw new IllegalArgumentException("No event log or folder of event logs at " + location);
    }
    try (Stream<Path> files = Files.list(location)) {
      List<Path> logs = files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
      if (logs.isEmpty()) {
        throw new IllegalArgumentException("No event log (*.jsonl) in " + location);
      }
      return logs;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("Usage: HistoryServer <event log dir or file> [port]");
      System.exit(2);
    }
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 18080;
    List<Path> logs = eventLogs(Path.of(args[0]));
    StatusServer server = StatusServer.history("127.0.0.1", port, logs);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "history-server-stop"));
    System.out.println(
        "Serving " + logs.size() + " run(s) at " + server.address() + "/api/v1/applications");
    System.out.println("Press Ctrl-C to stop.");
    Thread.currentThread().join();
  }
}
