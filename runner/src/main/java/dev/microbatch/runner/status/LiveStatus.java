package dev.microbatch.runner.status;

import dev.microbatch.runner.metrics.MetricsAccumulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A running run's status, from the batch history its listener keeps. */
final class LiveStatus implements StatusSource {

  private final StatusServer.RunInfo run;
  private final BatchHistory history;
  private final java.util.function.Supplier<String> state;
  private final MetricsAccumulator metrics;

  LiveStatus(
      StatusServer.RunInfo run,
      BatchHistory history,
      java.util.function.Supplier<String> state,
      MetricsAccumulator metrics) {
    this.run = run;
    this.history = history;
    this.state = state;
    this.metrics = metrics;
  }

  @Override
  public List<Map<String, Object>> metrics() {
    return MetricsJson.of(metrics.results());
  }

  @Override
  public String state() {
    return state.get();
  }

  @Override
  public StatusServer.RunInfo run() {
    return run;
  }

  @Override
  public List<Map<String, Object>> batches() {
    List<Map<String, Object>> json = new ArrayList<>();
    history.running().ifPresent(batch -> json.add(BatchJson.summary(batch, "PROCESSING")));
    for (BatchHistory.Ended ended : history.endedBatches()) {
      json.add(BatchJson.summary(ended.batch(), ended.status()));
    }
    return json;
  }

  @Override
  public Optional<Map<String, Object>> batch(long batchId) {
    return history
        .batch(batchId)
        .map(ended -> BatchJson.detailed(ended.batch(), ended.status()));
  }

  @Override
  public BatchHistory.Totals totals() {
    return history.totals();
  }
}
