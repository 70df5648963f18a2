package dev.microbatch.spark.task;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * The reports of a batch's stage tasks, gathered on the driver through Spark's accumulator
 * mechanism. A report replaces any earlier one of the same stage partition, so a task that Spark
 * runs again (a lost executor's partition, a recomputed shuffle input) is counted once.
 */
public final class TaskReports extends AccumulatorV2<TaskReport, Map<String, TaskReport>> {

  private final ConcurrentHashMap<String, TaskReport> reports = new ConcurrentHashMap<>();

  @Override
  public boolean isZero() {
    return reports.isEmpty();
  }

  @Override
  public TaskReports copy() {
    TaskReports copy = new TaskReports();
    copy.reports.putAll(reports);
    return copy;
  }

  @Override
  public void reset() {
    reports.clear();
  }

  @Override
  public void add(TaskReport report) {
    reports.put(report.key(), report);
  }

  @Override
  public void merge(AccumulatorV2<TaskReport, Map<String, TaskReport>> other) {
    reports.putAll(other.value());
  }

  @Override
  public Map<String, TaskReport> value() {
    return Map.copyOf(reports);
  }
}
