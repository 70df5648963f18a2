package dev.microbatch.io.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new BrokerRetry("in", Duration.ofMillis(250))
                    .call(
                        "asking for offsets",
                        () -> {
                          throw new TimeoutException("no broker");
                        }));
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
  public void aReadWithoutRecordsForLongerThanTheLimitFails() throws Exception {
    BrokerRetry.Outage wait = new BrokerRetry("in", Duration.ofMillis(100)).waitFor("reading");
    wait.stillWaiting("at offset 3");
    Thread.sleep(200);
    assertThrows(IllegalStateException.class, () -> wait.stillWaiting("at offset 3"));
  }

  @Test
  public void recordsEndAWait() throws Exception {
    BrokerRetry.Outage wait = new BrokerRetry("in", Duration.ofMillis(100)).waitFor("reading");
    wait.stillWaiting("at offset 3");
    Thread.sleep(200);
    wait.over();
    // A new stretch without records starts from now.
    wait.stillWaiting("at offset 4");
  }
}
