package dev.microbatch.runner.scheduler;

/**
 * Decides when the next batch runs. Batch times are multiples of the interval after the zero time.
 *
 * <ul>
 *   <li>Real time (streaming): waits for the next boundary. A batch that overran makes the next one
 *       start late, and the lateness shows as scheduling delay; no boundary is skipped.
 *   <li>Back to back (bounded pipelines): no waiting at all.
 *   <li>Virtual (a {@link ManualBatchClock}, as TestStream drives it): on a 1 ms grid, the next
 *       batch is at the clock's time, and at least 1 ms after the last one. Processing time thus
 *       moves only as the test says (plus 1 ms per batch).
 * </ul>
 */
public final class JobGenerator {

  private static final long MAX_IDLE_PAUSE_MILLIS = 100;

  private enum Mode {
    REAL_TIME,
    BACK_TO_BACK,
    VIRTUAL
  }

  private final BatchClock clock;
  private final long intervalMillis;
  private final Mode mode;
  private BatchTime last;
  private long idlePauseMillis;

  private JobGenerator(BatchClock clock, long intervalMillis, Mode mode) {
    this.clock = clock;
    this.intervalMillis = intervalMillis;
    this.mode = mode;
  }

  /** Streaming: one batch per interval of {@code clock}. */
  public static JobGenerator realTime(BatchClock clock, long intervalMillis) {
    return new JobGenerator(clock, intervalMillis, Mode.REAL_TIME);
  }

  /** Bounded pipelines: batch after batch without waiting. */
  public static JobGenerator backToBack(BatchClock clock, long intervalMillis) {
    return new JobGenerator(clock, intervalMillis, Mode.BACK_TO_BACK);
  }

  /** Tests: batches follow the manual clock. */
  public static JobGenerator virtual(ManualBatchClock clock) {
    return new JobGenerator(clock, 1, Mode.VIRTUAL);
  }

  /** The zero time: the boundary at or before now. */
  public BatchTime zeroTime() {
    long now = clock.nowMillis();
    return new BatchTime(now - Math.floorMod(now, intervalMillis));
  }

  /** The time of the next batch, waiting for it on a real clock. */
  public BatchTime nextBatch() throws InterruptedException {
    BatchTime next = last == null ? zeroTime().plus(intervalMillis) : last.plus(intervalMillis);
    switch (mode) {
      case REAL_TIME -> clock.waitUntil(next.millis());
      case VIRTUAL -> {
        next = new BatchTime(Math.max(next.millis(), clock.nowMillis()));
        clock.waitUntil(next.millis());
      }
      case BACK_TO_BACK -> {
        if (idlePauseMillis > 0) {
          clock.waitUntil(clock.nowMillis() + idlePauseMillis);
        }
      }
    }
    last = next;
    return next;
  }

  /**
   * Tells how the last batch went. Back to back, a batch that read nothing from inputs that are not
   * exhausted (a bounded read of a source waiting for data) is followed by a pause, doubling from 1
   * ms to 100 ms while nothing comes, so that waiting inputs are not polled in a tight loop.
   */
  public void batchCompleted(long recordsIn, boolean inputsExhausted) {
    if (recordsIn > 0 || inputsExhausted) {
      idlePauseMillis = 0;
    } else {
      idlePauseMillis = Math.min(MAX_IDLE_PAUSE_MILLIS, Math.max(1, idlePauseMillis * 2));
    }
  }

  /**
   * Continues a resumed run: the next batch comes after {@code committed}, at the first boundary
   * after now (the intervals the pipeline was down for are not run one by one).
   */
  public void resumeAfter(BatchTime committed) {
    BatchTime now = mode == Mode.REAL_TIME ? zeroTime() : committed;
    last = now.millis() > committed.millis() ? now : committed;
  }

  public BatchClock clock() {
    return clock;
  }
}
