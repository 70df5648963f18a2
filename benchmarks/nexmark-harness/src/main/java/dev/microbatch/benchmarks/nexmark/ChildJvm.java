package dev.microbatch.benchmarks.nexmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one JVM to its end, within a deadline, and follows its peak resident memory.
 *
 * <p>The peak is the kernel's high-water mark of the process's resident set ({@code VmHWM} in
 * {@code /proc/<pid>/status}), read every {@value #POLL_MILLIS} ms while the process runs: it
 * only grows, so the last reading is the peak up to at most one interval before the end, when the
 * JVM is shutting down.
 */
final class ChildJvm {

  /** How a JVM ended. {@code exitCode} is -1 when it was stopped at its deadline. */
  record Outcome(int exitCode, boolean timedOut, long peakRssKb, Duration wallTime) {
    boolean succeeded() {
      return !timedOut && exitCode == 0;
    }
  }

  /** Interval of the peak-memory readings, which is also how often the deadline is checked. */
  static final long POLL_MILLIS = 100;

  /** How often a JVM still running is reported, so that a long run shows it is alive. */
  private static final Duration REPORT_EVERY = Duration.ofSeconds(30);

  /** How long a JVM stopped at its deadline gets to run its shutdown hooks before SIGKILL. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private ChildJvm() {}

  /**
   * Runs {@code command} with its standard output and error in {@code log}; after {@code timeout}
   * it is stopped (SIGTERM, then SIGKILL). Says on {@code progress} every 30 s that {@code what}
   * is still running.
   */
  static Outcome run(
      List<String> command, Path log, Duration timeout, String what, PrintStream progress)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // A harness stopped by Ctrl-C (or CI's limit) takes its child with it.
    Thread stopChild = new Thread(process::destroyForcibly, "stop " + what);
    Runtime.getRuntime().addShutdownHook(stopChild);
    try {
      Path status = Path.of("/proc", Long.toString(process.pid()), "status");
      long peakKb = -1;
      long deadline = start + timeout.toNanos();
      long nextReport = start + REPORT_EVERY.toNanos();
      boolean timedOut = false;
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        peakKb = Math.max(peakKb, highWaterMarkKb(status));
        long now = System.nanoTime();
        if (now >= deadline) {
          progress.printf(
              "  %s still running after %d s, its deadline: stopping it (log: %s)%n",
              what, timeout.toSeconds(), log);
          timedOut = true;
          stop(process, what, progress);
          break;
        }
        if (now >= nextReport) {
          progress.printf(
              "  %s still running after %d s (deadline %d s, peak RSS so far %d MB)%n",
              what,
              Duration.ofNanos(now - start).toSeconds(),
              timeout.toSeconds(),
              Math.max(peakKb, 0) / 1024);
          nextReport = now + REPORT_EVERY.toNanos();
        }
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      return new Outcome(
          timedOut || process.isAlive() ? -1 : process.exitValue(), timedOut, peakKb, wall);
    } finally {
      Runtime.getRuntime().removeShutdownHook(stopChild);
    }
  }

  private static void stop(Process process, String what, PrintStream progress)
      throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      progress.printf("  %s still running %d s after SIGTERM: SIGKILL%n", what, STOP_GRACE.toSeconds());
      process.destroyForcibly();
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        progress.printf("  %s (pid %d) still there after SIGKILL: left behind%n", what, process.pid());
      }
    }
  }

  /** {@code VmHWM} in kB, or -1 once the process is gone (its status file with it). */
  static long highWaterMarkKb(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          // "VmHWM:     123456 kB"
          return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // The process ended between the check and the read (or is a zombie without memory lines).
    }
    return -1;
  }
}
