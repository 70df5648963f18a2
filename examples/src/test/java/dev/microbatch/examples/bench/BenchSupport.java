package dev.microbatch.examples.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the benchmarks of this package print and compute alike. */
final class BenchSupport {

  private BenchSupport() {}

  /**
   * The variants named in the system property {@code bench.variants} (a comma list of slugs), or
   * all of them if it is empty.
   */
  static <V> List<V> selectedVariants(List<V> all, Function<V, String> slug) {
    return selectedVariants(all, slug, "bench.variants");
  }

  /** The variants named in the system property {@code property}, or all if it is empty. */
  static <V> List<V> selectedVariants(List<V> all, Function<V, String> slug, String property) {
    String wanted = System.getProperty(property, "");
    if (wanted.isBlank()) {
      return all;
    }
    List<String> slugs = Arrays.asList(wanted.split(","));
    List<V> selected = all.stream().filter(v -> slugs.contains(slug.apply(v))).toList();
    if (selected.size() != slugs.size()) {
      throw new IllegalArgumentException(
          property
              + "="
              + wanted
              + ": known variants are "
              + all.stream().map(slug).collect(Collectors.joining(",")));
    }
    return selected;
  }

  /** The JVM the benchmark runs in: version, cores, heap, collectors and arguments. */
  static void printJvm() {
    Runtime runtime = Runtime.getRuntime();
    String gcs =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", "));
    System.out.printf(
        "  JVM        %s %s, %d cores, max heap %,d MB, GC %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        runtime.availableProcessors(),
        runtime.maxMemory() / (1024 * 1024),
        gcs);
    System.out.printf(
        "  JVM args   %s%n",
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  /** The OS's 1-minute load average: other processes on the machine make a run slower. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** Where a run that takes too long is busy, before it is stopped. */
  static void dumpBusyThreads(String label) {
    System.out.printf("%n%s is still running; its busiest-looking threads:%n", label);
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              ThreadGroup group = thread.getThreadGroup();
              boolean jvmThread = group != null && "system".equals(group.getName());
              if (thread.getState() == Thread.State.RUNNABLE
                  && thread != Thread.currentThread()
                  && !jvmThread
                  && stack.length > 0) {
                System.out.println("\"" + thread.getName() + "\" " + thread.getState());
                Stream.of(stack).limit(30).forEach(frame -> System.out.println("    at " + frame));
              }
            });
  }

  /** The nearest-rank percentile: the smallest value at least {@code p}% of the values reach. */
  static double percentile(List<Double> values, double p) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
