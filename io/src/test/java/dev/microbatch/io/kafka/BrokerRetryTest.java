package dev.microbatch.io.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.Test;

/** Calls to a broker that is away are retried, up to a limit; other failures are not. */
public class BrokerRetryTest {

  @Test
  public void aCallThatTimesOutIsTriedAgainUntilItAnswers() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    String answer =
        new BrokerRetry("in", Duration.ofMinutes(1))
            .call(
                "asking",
                () -> {
                  if (tries.incrementAndGet() < 3) {
                    throw new TimeoutException("no broker");
                  }
                  return "answer";
                });
    assertEquals("answer", answer);
    assertEquals(3, tries.get());
  }

  @Test
  public void aBrokerAwayForLongerThanTheLimitFailsTheCallNamingTheOption() {
    AtomicLong now = new AtomicLong();
    AtomicInteger tries = new AtomicInteger();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new BrokerRetry("in", Duration.ofSeconds(2), now::get)
                    .call(
                        "asking for offsets",
                        () -> {
                          tries.incrementAndGet();
                          // Each try waits a second for the broker before it times out.
                          now.addAndGet(millis(1_000) + 1);
                          throw new TimeoutException("no broker");
                        }));
    assertEquals("tries within the 2 s limit, and the one that passed it", 2, tries.get());
    assertThat(e.getMessage(), containsString("asking for offsets"));
    assertThat(e.getMessage(), containsString("--sourceRetryTimeoutMillis"));
  }

  @Test
  public void aFailureThatRetryingCannotMendFailsAtOnce() {
    AuthorizationException denied = new AuthorizationException("denied");
    AtomicInteger tries = new AtomicInteger();
    AuthorizationException e =
        assertThrows(
            AuthorizationException.class,
            () ->
                new BrokerRetry("in", Duration.ZERO)
                    .call(
                        "asking",
                        () -> {
                          tries.incrementAndGet();
                          throw denied;
                        }));
    assertSame(denied, e);
    assertEquals(1, tries.get());
  }

  @Test
  public void aReadWithoutRecordsFailsOnceTheLimitHasPassedNotBefore() {
    AtomicLong now = new AtomicLong();
    BrokerRetry.Outage wait =
        new BrokerRetry("in", Duration.ofMillis(100), now::get).waitFor("reading in-0 [3, 9)");
    wait.stillWaiting("at offset 3");
    now.addAndGet(millis(100));
    wait.stillWaiting("at offset 3"); // exactly the limit: still waiting

    now.addAndGet(1);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> wait.stillWaiting("at offset 3"));

    assertThat(e.getMessage(), containsString("input 'in'"));
    assertThat(e.getMessage(), containsString("reading in-0 [3, 9)"));
    assertThat(e.getMessage(), containsString("--sourceRetryTimeoutMillis"));
  }

  @Test
  public void recordsEndAWaitAndTheNextOneIsTimedFromItsOwnStart() {
    AtomicLong now = new AtomicLong();
    BrokerRetry.Outage wait =
        new BrokerRetry("in", Duration.ofMillis(100), now::get).waitFor("reading");
    wait.stillWaiting("at offset 3");
    now.addAndGet(millis(90));
    wait.over();

    now.addAndGet(millis(90));
    // 180 ms after the first wait began, but the first stretch of this one.
    wait.stillWaiting("at offset 4");
    now.addAndGet(millis(100));
    wait.stillWaiting("at offset 4");
    now.addAndGet(1);
    assertThrows(IllegalStateException.class, () -> wait.stillWaiting("at offset 4"));
  }

  private static long millis(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
