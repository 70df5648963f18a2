package dev.microbatch.runner.status;

import dev.microbatch.runner.metrics.MetricsAccumulator;
import dev.microbatch.runner.scheduler.BatchDetails;
import dev.microbatch.runner.scheduler.BatchInfo;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.GaugeResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The run's metrics for Prometheus, taken when scraped: batch counts and retries, records in per
 * input, the last batch's delays and input rate, and the pipeline's Beam metrics (attempted
 * values, labelled by step, namespace and name).
 */
final class RunMetrics implements MultiCollector {

  private final BatchHistory history;
  private final MetricsAccumulator metrics;
  private final long batchIntervalMillis;

  RunMetrics(BatchHistory history, MetricsAccumulator metrics, long batchIntervalMillis) {
    this.history = history;
    this.metrics = metrics;
    this.batchIntervalMillis = batchIntervalMillis;
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> snapshots = new ArrayList<>();
    BatchHistory.Totals totals = history.totals();
    snapshots.add(counter("microbatch_batches_completed", "Batches completed", totals.completed()));
    snapshots.add(counter("microbatch_batches_failed", "Batches that failed for good", totals.failed()));
    snapshots.add(
        counter(
            "microbatch_batch_retries",
            "Failed batch attempts that were run again over the same slice",
            totals.retriedAttempts()));
    CounterSnapshot.Builder recordsIn =
        CounterSnapshot.builder().name("microbatch_records_in").help("Records read, per input");
    totals
        .recordsInByInput()
        .forEach(
            (input, count) ->
                recordsIn.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("input", input))
                        .value(count)
                        .build()));
    snapshots.add(recordsIn.build());
    lastCompleted().ifPresent(batch -> snapshots.addAll(lastBatch(batch)));
    snapshots.addAll(beamMetrics());
    return new MetricSnapshots(snapshots);
  }

  private Optional<BatchInfo> lastCompleted() {
    for (BatchHistory.Ended ended : history.endedBatches()) {
      if (!ended.batch().failed()) {
        return Optional.of(ended.batch());
      }
    }
    return Optional.empty();
  }

  private List<MetricSnapshot> lastBatch(BatchInfo batch) {
    List<MetricSnapshot> snapshots = new ArrayList<>();
    snapshots.add(
        gauge(
            "microbatch_last_batch_time_seconds",
            "Time of the last completed batch",
            batch.batchTime().millis() / 1000.0));
    batch
        .processingTimeMillis()
        .ifPresent(
            ms ->
                snapshots.add(
                    gauge(
                        "microbatch_last_batch_processing_seconds",
                        "Processing time of the last completed batch",
                        ms / 1000.0)));
    batch
        .schedulingDelayMillis()
        .ifPresent(
            ms ->
                snapshots.add(
                    gauge(
                        "microbatch_last_batch_scheduling_delay_seconds",
                        "How late the last completed batch started after its batch time",
                        ms / 1000.0)));
    GaugeSnapshot.Builder rate =
        GaugeSnapshot.builder()
            .name("microbatch_input_rate_records_per_second")
            .help("Records per second each input delivered in the last completed batch");
    batch
        .recordsIn()
        .forEach(
            (input, count) ->
                rate.dataPoint(
                    GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("input", input))
                        .value(count * 1000.0 / batchIntervalMillis)
                        .build()));
    snapshots.add(rate.build());
    GaugeSnapshot.Builder lag =
        GaugeSnapshot.builder()
            .name("microbatch_input_lag_records")
            .help(
                "Records an input partition (a Kafka partition) had beyond the last completed"
                    + " batch's slice when the slice was fixed");
    for (BatchDetails.SliceInfo slice : batch.details().slices()) {
      lag.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of("input", slice.input(), "partition", slice.partition()))
              .value(slice.lag())
              .build());
    }
    snapshots.add(lag.build());
    return snapshots;
  }

  private List<MetricSnapshot> beamMetrics() {
    MetricQueryResults results = metrics.results().queryMetrics(MetricsFilter.builder().build());
    CounterSnapshot.Builder counters =
        CounterSnapshot.builder().name("beam_counter").help("Beam counters (attempted)");
    for (MetricResult<Long> counter : results.getCounters()) {
      counters.dataPoint(
          CounterSnapshot.CounterDataPointSnapshot.builder()
              .labels(labels(counter))
              .value(Math.max(0, counter.getAttempted()))
              .build());
    }
    GaugeSnapshot.Builder gauges =
        GaugeSnapshot.builder().name("beam_gauge").help("Beam gauges (attempted, latest value)");
    for (MetricResult<GaugeResult> gauge : results.getGauges()) {
      gauges.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(labels(gauge))
              .value(gauge.getAttempted().getValue())
              .build());
    }
    List<MetricSnapshot> snapshots = new ArrayList<>(List.of(counters.build(), gauges.build()));
    String[] parts = {"sum", "count", "min", "max"};
    for (String part : parts) {
      GaugeSnapshot.Builder distribution =
          GaugeSnapshot.builder()
              .name("beam_distribution_" + part)
              .help("Beam distributions (attempted): " + part);
      for (MetricResult<DistributionResult> result : results.getDistributions()) {
        DistributionResult d = result.getAttempted();
        double value =
            switch (part) {
              case "sum" -> d.getSum();
              case "count" -> d.getCount();
              case "min" -> d.getMin();
              default -> d.getMax();
            };
        distribution.dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels(result))
                .value(value)
                .build());
      }
      snapshots.add(distribution.build());
    }
    return snapshots;
  }

  private static Labels labels(MetricResult<?> result) {
    return Labels.of(
        "step",
        result.getKey().stepName(),
        "namespace",
        result.getKey().metricName().getNamespace(),
        "name",
        result.getKey().metricName().getName());
  }

  private static CounterSnapshot counter(String name, String help, double value) {
    return CounterSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build())
        .build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }
}
