package dev.microbatch.runner.scheduler;

/**
 * Decides when the next batch runs.
 *
 * <ul>
 *   <li>Real time (streaming): a run's first batch (new or resumed) runs at once, at the time it
 *       starts, so that a backlog waiting at start-up is not left for up to an interval (as
 *       Structured Streaming's processing-time trigger starts at once); every later batch waits
 *       for the next multiple of the interval on the clock. A batch that overran makes the next
 *       one start late, and the lateness shows as scheduling delay; no boundary is skipped.
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
  /** The last batch generated or resumed after; null before either. */
  private BatchTime last;
  /** Whether this generator has generated a batch (a real-time run's first runs at once). */
  private boolean generated;
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

  /** The time of the next batch, waiting for it on a real clock. */
  public BatchTime nextBatch() throws InterruptedException {
    BatchTime next;
    switch (mode) {
      case REAL_TIME -> {
        long now = clock.nowMillis();
        if (!generated && (last == null || now > last.millis())) {
          next = new BatchTime(now);
        } else {
          next = boundaryAfter(last.millis());
          clock.waitUntil(next.millis());
        }
      }
      case VIRTUAL -> {
        next = new BatchTime(Math.max(afterLast().millis(), clock.nowMillis()));
        clock.waitUntil(next.millis());
      }
      default -> {
        next = afterLast();
        if (idlePauseMillis > 0) {
          clock.waitUntil(clock.nowMillis() + idlePauseMillis);
        }
      }
    }
    generated = true;
    last = next;
    return next;
  }

  /** One interval after the last batch, or after the boundary at or before now if none. */
  private BatchTime afterLast() {
    return last == null ? boundaryAfter(clock.nowMillis()) : last.plus(intervalMillis);
  }

  /** The first multiple of the interval after {@code millis}. */
  private BatchTime boundaryAfter(long millis) {
    return new BatchTime(millis - Math.floorMod(millis, intervalMillis) + intervalMillis);
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
   * Continues a resumed run after {@code committed}: in real time the next batch runs at once if
   * the clock is past {@code committed} (the intervals the pipeline was down for are not run one by
   * one), else at the first boundary after it; otherwise one interval after it.
   */
  public void resumeAfter(BatchTime committed) {
    if (last == null || committed.millis() > last.millis()) {
      last = committed;
    }
  }

  public BatchClock clock() {
    return clock;
  }
}
