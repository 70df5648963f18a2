package dev.microbatch.io.kafka;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/** Blocking calls end by their deadline, and say what they were doing. */
public class BoundedWaitsTest {

  private final BoundedWaits waits = new BoundedWaits("Write to 'out'");

  @After
  public void close() {
    waits.close();
  }

  @Test(timeout = 30_000)
  public void aCallThatOutlastsItsDeadlineIsInterruptedAndFailsNamingIt() {
    CountDownLatch never = new CountDownLatch(1);
    long started = System.nanoTime();

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                waits.run(
                    "committing batch 7's transaction",
                    Duration.ofMillis(300),
                    () -> never.await(1, TimeUnit.HOURS)));

    long waitedMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue("waited " + waitedMillis + " ms", waitedMillis >= 300 && waitedMillis < 10_000);
    assertEquals(
        "Write to 'out' gave up committing batch 7's transaction after its deadline of 0.3 s;"
            + " is the Kafka broker reachable?",
        e.getMessage());
    assertFalse("the interrupt does not outlive the call", Thread.currentThread().isInterrupted());
  }

  @Test(timeout = 30_000)
  public void aCallWithinItsDeadlineReturnsItsResultAndLeavesNoInterruptBehind()
      throws Exception {
    assertEquals("done", waits.call("flushing", Duration.ofMillis(200), () -> "done"));

    // Past the deadline of the call above: its watchdog must not interrupt this thread.
    CountDownLatch later = new CountDownLatch(1);
    assertFalse(later.await(400, TimeUnit.MILLISECONDS));
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test(timeout = 30_000)
  public void aCallThatFailsByItselfFailsWithItsOwnError() {
    IllegalArgumentException own = new IllegalArgumentException("fenced");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                waits.run(
                    "aborting",
                    Duration.ofSeconds(10),
                    () -> {
                      throw own;
                    }));

    assertEquals(own, e);
  }
}
