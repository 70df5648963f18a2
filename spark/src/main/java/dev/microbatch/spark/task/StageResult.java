package dev.microbatch.spark.task;

import java.util.List;
import org.joda.time.Instant;

/**
 * What one stage task left on its executor: its elements per stage output and its output
 * watermark, the single element of the stage's Spark partition.
 */
public record StageResult(List<List<Object>> byOutput, Instant watermark) {

  /** Output {@code index} of this task as a partition of that output's stream. */
  public Chunk output(int index) {
    return new Chunk(byOutput.get(index), watermark);
  }
}
