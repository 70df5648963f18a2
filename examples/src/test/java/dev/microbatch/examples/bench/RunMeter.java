package dev.microbatch.examples.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Wall-clock time of one run, and what the JVM spent on it besides: GC time and the peak heap
 * (the sum of the heap pools' peaks, an upper bound of the true peak). Starting one resets the
 * pools' peaks, so runs must not overlap.
 */
final class RunMeter {

  private final long startNanos;
  private final long startGcMillis;

  private RunMeter() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    this.startGcMillis = gcMillis();
    this.startNanos = System.nanoTime();
  }

  static RunMeter start() {
    return new RunMeter();
  }

  /** What was measured since {@link #start()}. */
  record Reading(double seconds, double gcSeconds, long peakHeapMb) {}

  Reading stop() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double gcSeconds = (gcMillis() - startGcMillis) / 1e3;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return new Reading(seconds, gcSeconds, peak / (1024 * 1024));
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }
}
