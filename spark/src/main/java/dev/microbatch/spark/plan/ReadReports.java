package dev.microbatch.spark.plan;

import dev.microbatch.runner.dstream.RemoteRead;
import dev.microbatch.runner.dstream.RemoteReadable;
import dev.microbatch.spark.task.TaskReport;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Hands the reports of a shipped stream's executor reads to the partitions that were read there,
 * once, when they are first needed (the stream's watermark is asked for, or the batch is recorded):
 * the input then knows its partitions' watermarks and counts their records as if it had read them.
 */
final class ReadReports {

  private final List<Optional<RemoteReadable<Object>>> partitions;
  private final Supplier<List<TaskReport>> reports;
  private boolean handed;

  /**
   * @param partitions by partition index, those read on the executors (the others were shipped)
   * @param reports the reads' reports by partition index, available once the reads have run
   */
  ReadReports(
      List<Optional<RemoteReadable<Object>>> partitions, Supplier<List<TaskReport>> reports) {
    this.partitions = List.copyOf(partitions);
    this.reports = reports;
  }

  void handOver() {
    if (handed) {
      return;
    }
    List<TaskReport> found = reports.get();
    for (int i = 0; i < partitions.size(); i++) {
      TaskReport report = found.get(i);
      partitions
          .get(i)
          .ifPresent(
              partition ->
                  partition.readElsewhere(
                      new RemoteRead.Report(
                          report.recordsIn(),
                          new org.joda.time.Instant(report.outputWatermarkMillis()),
                          report.metrics())));
    }
    handed = true;
  }
}
