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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The run's metrics for Prometheus, taken when scraped: batch counts and retries, records in per
 * input, the last completed batch's delays, input rates, lags and rate bounds, and the pipeline's
 * Beam metrics (attempted values, labelled by step, namespace and name).
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
    snapshots.add(
        counter("microbatch_batches_completed", "Batches completed", one(totals.completed())));
    snapshots.add(
        counter("microbatch_batches_failed", "Batches that failed for good", one(totals.failed())));
    snapshots.add(
        counter(
            "microbatch_batch_retries",
            "Failed batch attempts that were run again over the same slice",
            one(totals.retriedAttempts())));
    Map<Labels, Double> records = new LinkedHashMap<>();
    totals
        .recordsInByInput()
        .forEach((input, n) -> records.put(Labels.of("input", input), (double) n));
    snapshots.add(counter("microbatch_records_in", "Records read, per input", records));
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
            one(batch.batchTime().millis() / 1000.0)));
    batch
        .processingTimeMillis()
        .ifPresent(
            ms ->
                snapshots.add(
                    gauge(
                        "microbatch_last_batch_processing_seconds",
                        "Processing time of the last completed batch",
                        one(ms / 1000.0))));
    batch
        .schedulingDelayMillis()
        .ifPresent(
            ms ->
                snapshots.add(
                    gauge(
                        "microbatch_last_batch_scheduling_delay_seconds",
                        "How late the last completed batch started after its batch time",
                        one(ms / 1000.0))));
    batch
        .details()
        .checkpoint()
        .ifPresent(
            checkpoint -> {
              snapshots.add(
                  gauge(
                      "microbatch_last_checkpoint_bytes",
                      "Size of the last completed batch's checkpoint file",
                      one(checkpoint.bytes())));
              snapshots.add(
                  gauge(
                      "microbatch_last_checkpoint_seconds",
                      "How long the last completed batch took to encode and write its checkpoint",
                      one(checkpoint.millis() / 1000.0)));
            });
    Map<Labels, Double> rates = new LinkedHashMap<>();
    batch
        .recordsIn()
        .forEach((input, n) -> rates.put(Labels.of("input", input), perSecond(n)));
    snapshots.add(
        gauge(
            "microbatch_input_rate_records_per_second",
            "Records per second each input delivered in the last completed batch",
            rates));
    Map<Labels, Double> lags = new LinkedHashMap<>();
    Map<Labels, Double> bounds = new LinkedHashMap<>();
    for (BatchDetails.SliceInfo slice : batch.details().slices()) {
      lags.put(
          Labels.of("input", slice.input(), "partition", slice.partition()),
          (double) slice.lag());
      if (slice.bound() >= 0) {
        bounds.merge(Labels.of("input", slice.input()), perSecond(slice.bound()), Double::sum);
      }
    }
    snapshots.add(
        gauge(
            "microbatch_input_lag_records",
            "Records an input partition (a Kafka partition) had beyond the last completed batch's"
                + " slice when the slice was fixed",
            lags));
    snapshots.add(
        gauge(
            "microbatch_input_rate_bound_records_per_second",
            "The rate an input was bounded to in the last completed batch (rate control,"
                + " backpressure, per-batch limits), summed over its partitions",
            bounds));
    return snapshots;
  }

  private double perSecond(long recordsPerBatch) {
    return recordsPerBatch * 1000.0 / batchIntervalMillis;
  }

  private List<MetricSnapshot> beamMetrics() {
    MetricQueryResults results = metrics.results().queryMetrics(MetricsFilter.builder().build());
    List<MetricSnapshot> snapshots = new ArrayList<>();
    snapshots.add(
        counter(
            "beam_counter",
            "Beam counters (attempted)",
            byMetric(results.getCounters(), c -> Math.max(0, c.getAttempted()))));
    snapshots.add(
        gauge(
            "beam_gauge",
            "Beam gauges (attempted, latest value)",
            byMetric(results.getGauges(), g -> g.getAttempted().getValue())));
    Map<String, ToDoubleFunction<DistributionResult>> parts = new LinkedHashMap<>();
    parts.put("sum", DistributionResult::getSum);
    parts.put("count", DistributionResult::getCount);
    parts.put("min", DistributionResult::getMin);
    parts.put("max", DistributionResult::getMax);
    parts.forEach(
        (part, value) ->
            snapshots.add(
                gauge(
                    "beam_distribution_" + part,
                    "Beam distributions (attempted): " + part,
                    byMetric(
                        results.getDistributions(),
                        d -> value.applyAsDouble(d.getAttempted())))));
    return snapshots;
  }

  /** Each Beam metric's value, labelled by step, namespace and name. */
  private static <T> Map<Labels, Double> byMetric(
      Iterable<MetricResult<T>> results, ToDoubleFunction<MetricResult<T>> value) {
    Map<Labels, Double> values = new LinkedHashMap<>();
    for (MetricResult<T> result : results) {
      values.put(
          Labels.of(
              "step",
              result.getKey().stepName(),
              "namespace",
              result.getKey().metricName().getNamespace(),
              "name",
              result.getKey().metricName().getName()),
          value.applyAsDouble(result));
    }
    return values;
  }

  private static Map<Labels, Double> one(double value) {
    return Map.of(Labels.EMPTY, value);
  }

  private static CounterSnapshot counter(String name, String help, Map<Labels, Double> values) {
    CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
    values.forEach(
        (labels, value) ->
            builder.dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(labels)
                    .value(value)
                    .build()));
    return builder.build();
  }

  private static GaugeSnapshot gauge(String name, String help, Map<Labels, Double> values) {
    GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
    values.forEach(
        (labels, value) ->
            builder.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(labels)
                    .value(value)
                    .build()));
    return builder.build();
  }
}
