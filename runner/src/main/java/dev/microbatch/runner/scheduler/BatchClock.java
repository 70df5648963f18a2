package dev.microbatch.runner.scheduler;

/** The time source of the job generator: the system clock, or a manual one in tests. */
public interface BatchClock {

  long nowMillis();

  /** Blocks until {@code millis} has been reached. */
  void waitUntil(long millis) throws InterruptedException;

  /** The real clock. */
  static BatchClock system() {
    return new BatchClock() {
      @Override
      public long nowMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public void waitUntil(long millis) throws InterruptedException {
        long wait;
        while ((wait = millis - System.currentTimeMillis()) > 0) {
          Thread.sleep(wait);
        }
      }
    };
  }
}
