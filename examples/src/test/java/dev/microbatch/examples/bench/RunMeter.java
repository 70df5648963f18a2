package dev.microbatch.examples.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Wall-clock time of one run, and what the JVM spent on it besides: CPU time of all its threads
 * (on a shared machine the steadier measure of work done: other tenants stretch the wall clock, not
 * the CPU a run needs), GC time, and the most heap in use at any of the samples taken every 100 ms
 * (garbage not yet collected included, so it is the heap a run needs to go at this speed, not its
 * live set). Runs must not overlap.
 */
final class RunMeter {

  private final long startNanos;
  private final long startGcMillis;
  private final long startCpuNanos;
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
    this.startCpuNanos = cpuNanos();
    this.startNanos = System.nanoTime();
    sampler.start();
  }

  static RunMeter start() {
    return new RunMeter();
  }

  /**
   * What was measured since {@link #start()}.
   *
   * @param cpuSeconds CPU time of every thread of this JVM (user and system), whoever's they are
   */
  record Reading(double seconds, double cpuSeconds, double gcSeconds, long maxHeapUsedMb) {}

  Reading stop() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double cpuSeconds = (cpuNanos() - startCpuNanos) / 1e9;
    stopped = true;
    sampler.interrupt();
    double gcSeconds = (gcMillis() - startGcMillis) / 1e3;
    return new Reading(seconds, cpuSeconds, gcSeconds, maxUsedBytes / (1024 * 1024));
  }

  private static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException("This JVM does not report its process CPU time");
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }
}
