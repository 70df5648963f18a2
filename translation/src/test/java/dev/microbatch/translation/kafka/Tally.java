package dev.microbatch.translation.kafka;

import java.util.stream.StreamSupport;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Counts the numbers a streaming job delivers and adds them up, in committed metrics: a batch's
 * counts become visible when it commits, before its offsets are committed to the consumer group, so
 * once the group has an offset, the tally holds every record before it, each counted once.
 */
final class Tally extends DoFn<KV<String, Long>, Void> {

  private static final String NAMESPACE = "tally";

  private final Counter count;
  private final Counter sum;

  /** Tallies under {@code name}, so that one job may keep several tallies. */
  Tally(String name) {
    this.count = Metrics.counter(NAMESPACE, name + "-count");
    this.sum = Metrics.counter(NAMESPACE, name + "-sum");
  }

  @ProcessElement
  public void process(@Element KV<String, Long> record) {
    count.inc();
    sum.inc(record.getValue());
  }

  /** Records tallied under {@code name} in batches that committed. */
  static long count(PipelineResult result, String name) {
    return committed(result, name + "-count");
  }

  /** Sum of the numbers tallied under {@code name} in batches that committed. */
  static long sum(PipelineResult result, String name) {
    return committed(result, name + "-sum");
  }

  private static long committed(PipelineResult result, String counter) {
    Iterable<MetricResult<Long>> counters =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(NAMESPACE, counter))
                    .build())
            .getCounters();
    return StreamSupport.stream(counters.spliterator(), false)
        .mapToLong(MetricResult::getCommitted)
        .sum();
  }
}
