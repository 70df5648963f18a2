package dev.microbatch.translation.kafka;

import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Keeps what each completed batch reported: records in, processing time, scheduling delay. */
final class BatchRecorder implements StreamingListener {

  /** One completed batch. */
  record Batch(long timeMillis, long records, long processingMillis, long schedulingDelayMillis) {}

  private final List<Batch> batches = new CopyOnWriteArrayList<>();

  @Override
  public void onBatchCompleted(BatchInfo batch) {
    batches.add(
        new Batch(
            batch.batchTime().millis(),
            batch.totalRecordsIn(),
            batch.processingTimeMillis().orElse(0L),
            batch.schedulingDelayMillis().orElse(0L)));
    synchronized (batches) {
      batches.notifyAll();
    }
  }

  /** Waits until the batches completed so far are {@code enough}, or at most {@code timeout}. */
  void await(Predicate<List<Batch>> enough, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (batches) {
      while (!enough.test(batches()) && System.nanoTime() < deadline) {
        batches.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
    }
  }

  /** The batches completed so far, in order. */
  List<Batch> batches() {
    return List.copyOf(batches);
  }

  /** A table of {@code all}, for failure messages and measurements. */
  static String table(List<Batch> all) {
    StringBuilder out =
        new StringBuilder("| batch | records | processing ms | scheduling delay ms |\n");
    out.append("|---:|---:|---:|---:|\n");
    for (int i = 0; i < all.size(); i++) {
      Batch b = all.get(i);
      out.append(
          String.format(
              "| %d | %d | %d | %d |%n",
              i, b.records(), b.processingMillis(), b.schedulingDelayMillis()));
    }
    return out.toString();
  }
}
