package dev.microbatch.runner.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.joda.time.Instant;

/**
 * What a completed (or failed) batch did, beyond its timings: how often it ran, what each input's
 * slice was, what each stage's tasks did, how far each stream got, and why it failed if it did.
 *
 * @param attempts how often the batch ran: 1, plus one per retry over the same slice
 * @param slices each input partition's slice, where the input reads offset ranges (Kafka)
 * @param stages what each stage's tasks did in the attempt that completed (or failed last)
 * @param watermarks each stream's output watermark after the batch, by stream id
 * @param failure the stack trace of the failure that ended the batch, if it failed
 * @param checkpoint the checkpoint the batch wrote when it committed (with a checkpoint directory)
 * @param transactions the sinks' transactions of the attempt that completed (or failed last)
 */
public record BatchDetails(
    int attempts,
    List<SliceInfo> slices,
    List<StageInfo> stages,
    Map<String, Instant> watermarks,
    Optional<String> failure,
    Optional<CheckpointInfo> checkpoint,
    List<TransactionInfo> transactions) {

  public static final BatchDetails NONE =
      new BatchDetails(
          0, List.of(), List.of(), Map.of(), Optional.empty(), Optional.empty(), List.of());

  /** A committed batch's checkpoint: its file's size, and how long encoding and writing took. */
  public record CheckpointInfo(long bytes, long millis) {}

  public BatchDetails {
    slices = List.copyOf(slices);
    stages = List.copyOf(stages);
    watermarks = Map.copyOf(watermarks);
    transactions = List.copyOf(transactions);
  }

  /** What became of a sink's transaction in the batch. */
  public enum TransactionOutcome {
    /** Committed with the batch. */
    COMMITTED,
    /** The batch failed before or while committing it, and it was aborted. */
    ABORTED,
    /**
     * Not begun: an earlier attempt or run already committed this batch's transaction, so this
     * attempt's records were dropped.
     */
    ALREADY_COMMITTED
  }

  /**
   * One sink's transaction in a batch.
   *
   * @param sink the sink's step name
   * @param target where it writes (a topic and transactional id)
   * @param records the records written in it
   * @param outcome what became of it
   * @param commitMillis how long committing it took (0 unless committed)
   */
  public record TransactionInfo(
      String sink, String target, long records, TransactionOutcome outcome, long commitMillis) {}

  /**
   * One input partition's slice of a batch: the offsets {@code [from, until)} it reads, and the
   * partition's end when the slice was fixed.
   *
   * @param input the input's stream id
   * @param partition the input's own name for the partition (a Kafka topic-partition)
   * @param end the partition's end offset (Kafka's latest offset) when the slice was fixed
   * @param bound the most records the partition could deliver in this batch (rate control and
   *     per-batch limits); -1 when unbounded
   */
  public record SliceInfo(
      String input, String partition, long from, long until, long end, long bound) {
    public long size() {
      return until - from;
    }

    /** What is left to read once the slice is read: the partition's lag behind its end. */
    public long lag() {
      return Math.max(0, end - until);
    }
  }

  /**
   * What one stage's tasks did in a batch.
   *
   * @param stage the stage's stream id
   * @param tasks how many tasks ran (one per partition)
   * @param recordsIn elements the tasks consumed
   * @param taskMillis the tasks' run times added up
   * @param slowestTaskMillis the longest task's run time
   * @param outputWatermark the stage's output watermark after the batch
   */
  public record StageInfo(
      String stage,
      int tasks,
      long recordsIn,
      long taskMillis,
      long slowestTaskMillis,
      Instant outputWatermark) {}
}
