package dev.microbatch.vrtests;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import org.junit.runner.Description;
import org.junit.runner.notification.RunListener;

/**
 * JUnit listener, registered in the surefire fork, that halts the fork when the whole run exceeds
 * {@code -Dvr.forkTimeoutSeconds} plus a {@value #GRACE_SECONDS} s grace period.
 *
 * <p>Surefire's {@code forkedProcessTimeoutInSeconds} is configured too, but it only asks the fork
 * to kill itself, and on this setup the fork was observed to carry on after the request (see
 * SUREFIRE-1722). This watchdog is the backstop: it writes the running test and a thread dump to
 * stderr and to {@code <vr.watchdogDir>/fork-watchdog.txt}, then exits, running the shutdown hooks
 * for at most {@value #GRACE_SECONDS} s before {@link Runtime#halt}, so a hung runner fails the
 * build (surefire reports a crashed fork) instead of hanging CI, and leaves no process behind.
 */
public class ForkWatchdog extends RunListener {

  /** Left to surefire's own timeout before the watchdog halts the fork. */
  static final long GRACE_SECONDS = 30;

  private volatile String currentTest = "(none yet)";
  private volatile Thread thread;

  @Override
  public void testRunStarted(Description description) {
    long seconds = Long.getLong("vr.forkTimeoutSeconds", 0L);
    if (seconds <= 0 || thread != null) {
      return;
    }
    long deadline = System.nanoTime() + (seconds + GRACE_SECONDS) * 1_000_000_000L;
    Thread t = new Thread(() -> watch(deadline, seconds), "vr-fork-watchdog");
    t.setDaemon(true);
    t.start();
    thread = t;
  }

  @Override
  public void testStarted(Description description) {
    currentTest = description.getClassName() + "#" + description.getMethodName();
  }

  private void watch(long deadline, long seconds) {
    try {
      long remaining;
      while ((remaining = deadline - System.nanoTime()) > 0) {
        Thread.sleep(Math.max(1, Math.min(remaining / 1_000_000L, 10_000L)));
      }
    } catch (InterruptedException e) {
      return;
    }
    StringBuilder msg = new StringBuilder();
    msg.append(Instant.now())
        .append(" [vr] ValidatesRunner fork exceeded ")
        .append(seconds)
        .append(" s (vr.forkTimeoutSeconds); halting it. Running test: ")
        .append(currentTest)
        .append("\n\nThread dump:\n");
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
      msg.append('"')
          .append(info.getThreadName())
          .append("\" ")
          .append(info.getThreadState())
          .append('\n');
      for (StackTraceElement e : info.getStackTrace()) {
        msg.append("    at ").append(e).append('\n');
      }
      msg.append('\n');
    }
    String dir = System.getProperty("vr.watchdogDir");
    if (dir != null) {
      try {
        Path p = Paths.get(dir);
        Files.createDirectories(p);
        Files.write(
            p.resolve("fork-watchdog.txt"), msg.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException ignored) {
        // still halt below
      }
    }
    PrintStream err = System.err;
    err.println(msg);
    err.flush();
    // Shutdown hooks first (they stop what the fork started outside itself, such as the Spark
    // backend's loopback cluster), but no longer than the grace period: then halt.
    Thread exit = new Thread(() -> System.exit(3), "fork-watchdog-exit");
    exit.setDaemon(true);
    exit.start();
    try {
      exit.join(GRACE_SECONDS * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().halt(3);
  }
}
