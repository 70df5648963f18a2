package dev.microbatch.runner.status;

import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Serves finished or crashed runs from their event logs with the live REST API's paths and shapes:
 * {@code HistoryServer <event log dir or file> [port]}, on 127.0.0.1 from port 18080 on (as
 * Spark's history server), until the JVM is stopped.
 */
public final class HistoryServer {

  private HistoryServer() {}

  /**
   * The event logs at {@code location}: a local log file or folder of them, or a folder URI of any
   * Beam FileSystem holding run folders of segments (or one run folder).
   */
  static List<EventLogStore.Log> eventLogs(String location) throws IOException {
    return EventLogStore.logsAt(location);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("Usage: HistoryServer <event log dir, file or folder URI> [port]");
      System.exit(2);
    }
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 18080;
    // Registers the Beam FileSystems on the classpath, for a log folder given as a URI.
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    List<EventLogStore.Log> logs = eventLogs(args[0]);
    StatusServer server = StatusServer.history("127.0.0.1", port, logs);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "history-server-stop"));
    System.out.println(
        "Serving " + logs.size() + " run(s) at " + server.address() + "/api/v1/applications");
    System.out.println("Press Ctrl-C to stop.");
    Thread.currentThread().join();
  }
}
