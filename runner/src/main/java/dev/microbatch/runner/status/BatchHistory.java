package dev.microbatch.runner.status;

import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run's batches as its listeners saw them: the latest {@code retained} ended batches (completed
 * or failed), the one running, and totals since the run started. Events arrive on the scheduler's
 * thread; readers (the REST API, the metrics endpoint) ask from theirs.
 */
public final class BatchHistory implements StreamingListener {

  /** A batch that ended, and how: "COMPLETED" or "FAILED". */
  public record Ended(BatchInfo batch, String status) {}

  /** Totals since the run started. */
  public record Totals(
      long completed,
      long failed,
      long retriedAttempts,
      long recordsIn,
      Map<String, Long> recordsInByInput) {}

  private final int retained;
  private final Deque<Ended> ended = new ArrayDeque<>();
  private final Map<String, Long> recordsByInput = new LinkedHashMap<>();
  private Optional<BatchInfo> running = Optional.empty();
  private long completed;
  private long failed;
  private long retries;
  private long records;

  public BatchHistory(int retained) {
    this.retained = retained;
  }

  @Override
  public synchronized void onBatchStarted(BatchInfo batch) {
    running = Optional.of(batch);
  }

  @Override
  public synchronized void onBatchCompleted(BatchInfo batch) {
    completed++;
    records += batch.totalRecordsIn();
    batch.recordsIn().forEach((input, count) -> recordsByInput.merge(input, count, Long::sum));
    end(new Ended(batch, "COMPLETED"));
  }

  @Override
  public synchronized void onBatchRetried(BatchInfo batch, Throwable error) {
    retries++;
  }

  @Override
  public synchronized void onBatchFailed(BatchInfo batch, Throwable error) {
    failed++;
    end(new Ended(batch, "FAILED"));
  }

  private void end(Ended batch) {
    running = Optional.empty();
    ended.addLast(batch);
    while (ended.size() > retained) {
      ended.removeFirst();
    }
  }

  /** The retained ended batches, newest first (as Spark lists them). */
  public synchronized List<Ended> endedBatches() {
    List<Ended> newestFirst = new ArrayList<>(ended);
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  public synchronized Optional<Ended> batch(long batchTimeMillis) {
    for (Ended batch : ended) {
      if (batch.batch().batchTime().millis() == batchTimeMillis) {
        return Optional.of(batch);
      }
    }
    return Optional.empty();
  }

  public synchronized Optional<BatchInfo> running() {
    return running;
  }

  public synchronized Totals totals() {
    return new Totals(completed, failed, retries, records, Map.copyOf(recordsByInput));
  }
}
