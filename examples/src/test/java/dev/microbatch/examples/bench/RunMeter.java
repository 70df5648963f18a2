package dev.microbatch.examples.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Wall-clock time of one run, and what the JVM spent on it besides: GC time, and the most heap in
 * use at any of the samples taken every 100 ms (garbage not yet collected included, so it is the
 * heap a run needs to go at this speed, not its live set). Runs must not overlap.
 */
final class RunMeter {

  private final long startNanos;
  private final long startGcMillis;
  private final Thread sampler;
  private volatile long maxUsedBytes;
  private volatile boolean stopped;

  private RunMeter() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    this.sampler =
        new Thread(
            () -> {
              while (!stopped) {
                maxUsedBytes = Math.max(maxUsedBytes, memory.getHeapMemoryUsage().getUsed());
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-heap-sampler");
    sampler.setDaemon(true);
    this.startGcMillis = gcMillis();
    this.startNanos = System.nanoTime();
    sampler.start();
  }

  static RunMeter start() {
    return new RunMeter();
  }

  /** What was measured since {@link #start()}. */
  record Reading(double seconds, double gcSeconds, long maxHeapUsedMb) {}

  Reading stop() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    stopped = true;
    sampler.interrupt();
    double gcSeconds = (gcMillis() - startGcMillis) / 1e3;
    return new Reading(seconds, gcSeconds, maxUsedBytes / (1024 * 1024));
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }
}
