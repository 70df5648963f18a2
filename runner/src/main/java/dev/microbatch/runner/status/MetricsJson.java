package dev.microbatch.runner.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.GaugeResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** The pipeline's Beam metrics as JSON: one entry per metric, attempted and committed values. */
final class MetricsJson {

  private MetricsJson() {}

  static List<Map<String, Object>> of(MetricResults results) {
    MetricQueryResults all = results.queryMetrics(MetricsFilter.builder().build());
    List<Map<String, Object>> json = new ArrayList<>();
    add(json, "counter", all.getCounters(), value -> value);
    add(json, "distribution", all.getDistributions(), MetricsJson::distribution);
    add(json, "gauge", all.getGauges(), GaugeResult::getValue);
    return json;
  }

  private static <T> void add(
      List<Map<String, Object>> json,
      String type,
      Iterable<MetricResult<T>> results,
      Function<T, Object> value) {
    for (MetricResult<T> result : results) {
      Map<String, Object> metric = new LinkedHashMap<>();
      metric.put("step", result.getKey().stepName());
      metric.put("namespace", result.getKey().metricName().getNamespace());
      metric.put("name", result.getKey().metricName().getName());
      metric.put("type", type);
      metric.put("attempted", value.apply(result.getAttempted()));
      metric.put("committed", value.apply(result.getCommitted()));
      json.add(metric);
    }
  }

  private static Map<String, Object> distribution(DistributionResult d) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("count", d.getCount());
    json.put("sum", d.getSum());
    json.put("min", d.getMin());
    json.put("max", d.getMax());
    return json;
  }
}
