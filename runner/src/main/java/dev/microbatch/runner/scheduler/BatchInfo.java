package dev.microbatch.runner.scheduler;

import java.util.Map;
import java.util.Optional;
import org.joda.time.Instant;

/**
 * What is known of one batch when an event about it is published.
 *
 * @param batchTime the batch's time
 * @param submissionTimeMillis when the batch was handed to the scheduler
 * @param processingStartMillis when it started running, if it has
 * @param processingEndMillis when it completed, if it has
 * @param recordsIn records read per input in this batch (complete once the batch has completed)
 * @param outputWatermark the graph's lowest output watermark after the batch, if completed
 * @param details attempts, slices, stages and watermarks, once the batch has completed or failed
 */
public record BatchInfo(
    BatchTime batchTime,
    long submissionTimeMillis,
    Optional<Long> processingStartMillis,
    Optional<Long> processingEndMillis,
    Map<String, Long> recordsIn,
    Optional<Instant> outputWatermark,
    BatchDetails details) {

  public BatchInfo {
    recordsIn = Map.copyOf(recordsIn);
  }

  /** A batch's timings and records, without details. */
  public BatchInfo(
      BatchTime batchTime,
      long submissionTimeMillis,
      Optional<Long> processingStartMillis,
      Optional<Long> processingEndMillis,
      Map<String, Long> recordsIn,
      Optional<Instant> outputWatermark) {
    this(
        batchTime,
        submissionTimeMillis,
        processingStartMillis,
        processingEndMillis,
        recordsIn,
        outputWatermark,
        BatchDetails.NONE);
  }

  /** True when the batch ended in a failure (after its retries). */
  public boolean failed() {
    return details.failure().isPresent();
  }

  /** Time between the batch's time and the start of its processing. */
  public Optional<Long> schedulingDelayMillis() {
    return processingStartMillis.map(start -> Math.max(0, start - batchTime.millis()));
  }

  public Optional<Long> processingTimeMillis() {
    return processingStartMillis.flatMap(start -> processingEndMillis.map(end -> end - start));
  }

  public long totalRecordsIn() {
    return recordsIn.values().stream().mapToLong(Long::longValue).sum();
  }
}
