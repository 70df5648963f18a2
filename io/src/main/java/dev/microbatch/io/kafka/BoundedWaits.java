package dev.microbatch.io.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking Kafka calls with a deadline, for one owner (a sink): while a call waits it is logged
 * every {@link #LOG_EVERY} (so a job never hangs silently), and a call still waiting at its
 * deadline is interrupted (Kafka's clients give up a call when their thread is interrupted) and fails,
 * naming what it was doing. Some calls have no time-out of their own ({@code flush}), the others
 * have one the user may have set high; this bounds both.
 */
final class BoundedWaits implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedWaits.class);
  static final Duration LOG_EVERY = Duration.ofSeconds(5);

  /** A blocking call. */
  @FunctionalInterface
  interface Call<T> {
    T call() throws Exception;
  }

  /** A blocking call that returns nothing. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private final String owner;
  private final ScheduledExecutorService watchdog;

  /** @param owner who waits, for the log (a sink's name) */
  BoundedWaits(String owner) {
    this.owner = owner;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "kafka-waits-" + owner);
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Runs {@code call} on this thread, logging while it waits and interrupting it at {@code
   * deadline}.
   *
   * @throws IllegalStateException naming {@code what}, if the deadline passed
   */
  <T> T call(String what, Duration deadline, Call<T> call) throws Exception {
    Waiting waiting = new Waiting(what, deadline, Thread.currentThread());
    ScheduledFuture<?> log =
        watchdog.scheduleAtFixedRate(
            waiting::log, LOG_EVERY.toMillis(), LOG_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    ScheduledFuture<?> expiry =
        watchdog.schedule(waiting::expire, deadline.toNanos(), TimeUnit.NANOSECONDS);
    try {
      T result = call.call();
      if (!waiting.finish()) {
        return result;
      }
    } catch (Exception e) {
      if (waiting.finish()) {
        throw waiting.gaveUp(e);
      }
      throw e;
    } finally {
      log.cancel(false);
      expiry.cancel(false);
    }
    throw waiting.gaveUp(null);
  }

  /**
   * The deadline of a producer's blocking calls: a little longer than its own bounds (Kafka's {@code
   * max.block.ms} for transactional calls, {@code delivery.timeout.ms} for records, which {@code
   * flush} waits for), so that those usually end a call first, with Kafka's own error.
   */
  static Duration producerDeadline(Map<String, Object> config) {
    long maxBlock = millis(config, ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    long delivery = millis(config, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    return Duration.ofMillis(Math.max(maxBlock, delivery)).plusSeconds(5);
  }

  private static long millis(Map<String, Object> config, String key, long otherwise) {
    Object value = config.get(key);
    return value == null ? otherwise : Long.parseLong(value.toString());
  }

  /** Closes {@code producer}, which drops what it has not sent {@code within}. */
  void closeProducer(Producer<?, ?> producer, Duration within) throws Exception {
    run("closing its producer", within.plusSeconds(5), () -> producer.close(within));
  }

  /** Runs {@code action} as {@link #call} runs a call. */
  void run(String what, Duration deadline, Action action) throws Exception {
    call(
        what,
        deadline,
        () -> {
          action.run();
          return what;
        });
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }

  /** One call under way: the watchdog logs it and may interrupt it; the caller finishes it. */
  private final class Waiting {
    private final String what;
    private final Duration deadline;
    private final Thread caller;
    private final long started = System.nanoTime();
    private boolean finished;
    private boolean interrupted;

    Waiting(String what, Duration deadline, Thread caller) {
      this.what = what;
      this.deadline = deadline;
      this.caller = caller;
    }

    synchronized void log() {
      if (!finished && !interrupted) {
        LOG.warn(
            "{}: still {} after {} s (giving up after {} s); is the Kafka broker reachable?",
            owner,
            what,
            seconds(System.nanoTime() - started),
            seconds(deadline.toNanos()));
      }
    }

    synchronized void expire() {
      if (!finished) {
        LOG.error("{}: giving up {} after {} s", owner, what, seconds(deadline.toNanos()));
        interrupted = true;
        caller.interrupt();
      }
    }

    /**
     * Ends the call; true if the watchdog interrupted it, whose interrupt (which would otherwise
     * hit the caller's next wait) is then cleared.
     */
    synchronized boolean finish() {
      finished = true;
      if (interrupted) {
        Thread.interrupted();
      }
      return interrupted;
    }

    IllegalStateException gaveUp(Exception cause) {
      return new IllegalStateException(
          owner
              + " gave up "
              + what
              + " after its deadline of "
              + seconds(deadline.toNanos())
              + " s; is the Kafka broker reachable?",
          cause);
    }
  }

  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }
}
