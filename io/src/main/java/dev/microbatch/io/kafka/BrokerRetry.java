package dev.microbatch.io.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one Kafka input rides out a broker it cannot reach (down, restarting, moving a partition's
 * leadership). A call that fails with one of Kafka's retriable errors (a time-out, a lost
 * connection, a coordinator or leader not available yet) is tried again, after a pause that doubles
 * from {@link #FIRST_PAUSE} to {@link #LONGEST_PAUSE}; a read that gets no records waits on. Both
 * are logged, at growing intervals for a wait, and so is the broker's return. Only once the broker
 * has been unreachable for longer than the limit does the batch fail.
 *
 * <p>Retrying loses and duplicates nothing: the calls ask for metadata or commit the same offsets
 * on every try, and a read goes on from the offset it stopped at, within the same task.
 */
public final class BrokerRetry implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(BrokerRetry.class);

  static final Duration FIRST_PAUSE = Duration.ofMillis(100);
  static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

  /** A read that has had no records for this long says so (a slow fetch is not an outage). */
  private static final Duration FIRST_WAIT_LOG = Duration.ofSeconds(2);

  private final String input;
  private final Duration limit;
  private final LongSupplier nanoTime;

  /**
   * @param input the input's name, for the log
   * @param limit how long the broker may be unreachable before the batch fails; zero for no limit
   */
  public BrokerRetry(String input, Duration limit) {
    this(input, limit, (LongSupplier & Serializable) System::nanoTime);
  }

  /** As {@link #BrokerRetry(String, Duration)}, with the clock that outages are timed by. */
  BrokerRetry(String input, Duration limit, LongSupplier nanoTime) {
    this.input = input;
    this.limit = limit;
    this.nanoTime = nanoTime;
  }

  /** A call to the broker. */
  @FunctionalInterface
  interface Call<T> {
    T call();
  }

  /** Runs {@code call}, retrying while the broker is unreachable; {@code what} names it in logs. */
  <T> T call(String what, Call<T> call) throws InterruptedException {
    Outage outage = new Outage(what);
    // A try that times out has waited for the broker all along: the outage counts from its start.
    outage.start();
    Duration pause = FIRST_PAUSE;
    while (true) {
      try {
        T result = call.call();
        outage.over();
        return result;
      } catch (RetriableException e) {
        outage.failed(e, pause);
        Thread.sleep(pause.toMillis());
        pause = longer(pause);
      }
    }
  }

  /** Twice {@code pause}, at most {@link #LONGEST_PAUSE}. */
  private static Duration longer(Duration pause) {
    Duration doubled = pause.multipliedBy(2);
    return doubled.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : doubled;
  }

  private static String seconds(long nanos) {
    return String.format("%.1f s", nanos / 1e9);
  }

  /** Watches a read that waits for records, which may not come while the broker is unreachable. */
  Outage waitFor(String what) {
    return new Outage(what);
  }

  /**
   * One stretch of time without an answer from the broker: it is logged, fails the batch past the
   * limit, and its end is logged too.
   */
  final class Outage {
    private final String what;
    private long since = -1;
    private long nextLog;
    private boolean logged;
    private int attempts;

    private Outage(String what) {
      this.what = what;
    }

    /** The broker answered: an outage, if one was logged, is over. */
    void over() {
      if (logged) {
        LOG.info("Kafka answered input '{}' again after {} ({})", input, elapsed(), what);
      }
      since = -1;
      logged = false;
    }

    /** A try failed with {@code cause}; the next one comes after {@code pause}. */
    void failed(RetriableException cause, Duration pause) {
      attempts++;
      start();
      checkLimit(cause);
      LOG.warn(
          "Kafka unreachable for input '{}' while {} (attempt {}, {} so far{}): {}; retrying in {}"
              + " ms",
          input,
          what,
          attempts,
          elapsed(),
          limitText(),
          cause.toString(),
          pause.toMillis());
      logged = true;
    }

    /** A poll brought no records; {@code state} says where the read stands. */
    void stillWaiting(String state) {
      start();
      checkLimit(null);
      long now = nanoTime.getAsLong();
      if (now >= nextLog) {
        LOG.warn(
            "No records from Kafka for input '{}' for {} while {} ({}{}); the broker may be"
                + " unreachable, still waiting",
            input,
            elapsed(),
            what,
            state,
            limitText());
        logged = true;
        nextLog = now + (now - since);
      }
    }

    void start() {
      if (since < 0) {
        since = nanoTime.getAsLong();
        nextLog = since + FIRST_WAIT_LOG.toNanos();
      }
    }

    private void checkLimit(RetriableException cause) {
      if (!limit.isZero() && nanoTime.getAsLong() - since > limit.toNanos()) {
        throw new IllegalStateException(
            "Kafka was unreachable for input '"
                + input
                + "' for longer than "
                + seconds(limit.toNanos())
                + " while "
                + what
                + " (--sourceRetryTimeoutMillis); giving up",
            cause);
      }
    }

    private String elapsed() {
      return seconds(nanoTime.getAsLong() - since);
    }

    private String limitText() {
      return limit.isZero() ? "" : ", giving up after " + seconds(limit.toNanos());
    }
  }
}
