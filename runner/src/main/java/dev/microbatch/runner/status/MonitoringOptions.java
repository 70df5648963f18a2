package dev.microbatch.runner.status;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Where a run shows its status: its HTTP endpoint and its event log. */
public interface MonitoringOptions extends PipelineOptions {

  @Description(
      "Port of the run's status endpoint (REST API and Prometheus /metrics): the first free port"
          + " from this one on; 0 disables it.")
  @Default.Integer(4040)
  int getUiPort();

  void setUiPort(int port);

  @Description("Address the status endpoint binds to; loopback unless set.")
  @Default.String("127.0.0.1")
  String getUiHost();

  void setUiHost(String host);

  @Description(
      "Directory (any Beam FileSystem path) that receives the run's event log: one JSON line per"
          + " batch event, written as the events happen.")
  @Nullable
  String getEventLogDir();

  void setEventLogDir(@Nullable String dir);
}
