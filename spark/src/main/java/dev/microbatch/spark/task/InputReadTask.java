package dev.microbatch.spark.task;

import dev.microbatch.runner.dstream.RemoteRead;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;

/**
 * One input partition read on an executor: the read the driver fixed (an offset range, a source
 * split, or elements the driver read itself and sent as coder bytes) becomes the partition's chunk,
 * in the task that consumes it, and what the read learnt goes back to the driver as a report.
 */
public final class InputReadTask {

  private InputReadTask() {}

  /** The name the reads of {@code stream} report under; a stage's id starts with "stage:". */
  public static String reportsOf(String stream) {
    return "read " + stream;
  }

  public static Iterator<Chunk> run(
      String stream, int partition, Iterator<RemoteRead<Object>> reads, TaskReports reports)
      throws Exception {
    RemoteRead<Object> read = Chunks.single(reads, stream, partition);
    long start = System.nanoTime();
    List<Object> elements = new ArrayList<>();
    RemoteRead.Report report = read.read(elements::add);
    reports.add(
        new TaskReport(
            reportsOf(stream),
            partition,
            report.watermark().getMillis(),
            false,
            report.records(),
            (System.nanoTime() - start) / 1_000_000,
            report.metrics(),
            SparkEnv.get().executorId()));
    return List.of(new Chunk(elements, report.watermark())).iterator();
  }
}
