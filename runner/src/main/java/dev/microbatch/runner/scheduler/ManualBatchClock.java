package dev.microbatch.runner.scheduler;

import java.util.concurrent.atomic.AtomicLong;
import org.joda.time.Duration;

/**
 * A virtual clock for tests (TestStream): time moves only when told to, and waiting for a time
 * moves the clock there at once, so batches run back to back in virtual time.
 */
public final class ManualBatchClock implements BatchClock {

  private final AtomicLong now;

  public ManualBatchClock(long startMillis) {
    this.now = new AtomicLong(startMillis);
  }

  @Override
  public long nowMillis() {
    return now.get();
  }

  @Override
  public void waitUntil(long millis) {
    now.accumulateAndGet(millis, Math::max);
  }

  /** Moves the clock forward by {@code amount}; the next batch starts at or after the new time. */
  public void advance(Duration amount) {
    now.addAndGet(Math.max(0, amount.getMillis()));
  }
}
