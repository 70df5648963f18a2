package dev.microbatch.sparkstreaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;

/**
 * Appends one JSON line per completed batch to a file, with the fields and names of the runner's
 * event log ({@code event}, {@code batchId} as the batch time in ms, {@code inputSize}, {@code
 * schedulingDelay}, {@code processingTime}, {@code totalDelay}, in ms), so that the benchmark reads
 * both applications' batches alike. Each line is appended whole as the batch completes, so a run
 * that is killed leaves every batch it completed.
 */
final class BatchLogListener implements StreamingListener {

  private final Path file;

  BatchLogListener(Path file) {
    this.file = file;
  }

  @Override
  public void onBatchCompleted(StreamingListenerBatchCompleted completed) {
    BatchInfo batch = completed.batchInfo();
    String line =
        String.format(
            "{\"event\":\"BatchCompleted\",\"batchId\":%d,\"inputSize\":%d,"
                + "\"schedulingDelay\":%d,\"processingTime\":%d,\"totalDelay\":%d}%n",
            batch.batchTime().milliseconds(),
            batch.numRecords(),
            millis(batch.schedulingDelay()),
            millis(batch.processingDelay()),
            millis(batch.totalDelay()));
    try {
      Files.writeString(
          file,
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not append to the batch log " + file, e);
    }
  }

  /** Spark's {@code Option[Long]} of a completed batch, which is always set; -1 if it is not. */
  private static long millis(scala.Option<Object> value) {
    return value.isDefined() ? ((Number) value.get()).longValue() : -1;
  }
}
