package dev.microbatch.runner.scheduler;

/**
 * Decides when the next batch runs. Batch times are multiples of the interval after the zero time.
 * On a recurring clock it waits for the next boundary; a batch that overran makes the next one
 * start late (the lateness shows as scheduling delay) rather than being skipped. Bounded pipelines
 * run their batches back to back.
 */
public final class JobGenerator {

  private final BatchClock clock;
  private final long intervalMillis;
  private final boolean backToBack;
  private BatchTime last;

  public JobGenerator(BatchClock clock, long intervalMillis, boolean backToBack) {
    this.clock = clock;
    this.intervalMillis = intervalMillis;
    this.backToBack = backToBack;
  }

  /** The zero time: the boundary at or before now. */
  public BatchTime zeroTime() {
    long now = clock.nowMillis();
    return new BatchTime(now - Math.floorMod(now, intervalMillis));
  }

  /** The time of the next batch, waiting for it on a recurring clock. */
  public BatchTime nextBatch() throws InterruptedException {
    BatchTime next = last == null ? zeroTime().plus(intervalMillis) : last.plus(intervalMillis);
    if (!backToBack) {
      clock.waitUntil(next.millis());
    }
    last = next;
    return next;
  }

  public BatchClock clock() {
    return clock;
  }
}
