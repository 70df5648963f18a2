package dev.microbatch.examples.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the measured rounds of a benchmark gave for each variant, which variants failed (they are
 * not run again), and whether every run's result was right.
 */
final class Measurements<V> {

  private final Map<V, List<Double>> values = new LinkedHashMap<>();
  private final Set<V> failed = new HashSet<>();
  private boolean allCorrect = true;

  /** A run that finished; its value counts if its round is measured and its result is right. */
  void add(V variant, boolean measured, boolean correct, double value) {
    allCorrect &= correct;
    if (measured && correct) {
      values.computeIfAbsent(variant, v -> new ArrayList<>()).add(value);
    }
  }

  /** A run that failed or timed out: its variant is left out of the rounds still to come. */
  void fail(V variant) {
    failed.add(variant);
  }

  /** The variants that failed, for {@link Rounds#run} to skip. */
  Set<V> failed() {
    return failed;
  }

  /** Every run finished and was right. */
  boolean allCorrect() {
    return allCorrect && failed.isEmpty();
  }

  /**
   * Prints each variant's median and its measured values, the label padded to {@code labelWidth}
   * and the values in {@code valueFormat}; returns the medians of the variants that have any.
   */
  Map<V, Double> printMedians(
      List<V> variants, Function<V, String> label, int labelWidth, String valueFormat) {
    Map<V, Double> medians = new LinkedHashMap<>();
    String name = "  %-" + labelWidth + "s ";
    for (V variant : variants) {
      List<Double> runs = values.getOrDefault(variant, List.of());
      if (runs.isEmpty()) {
        System.out.printf(name + "no successful measured run%n", label.apply(variant));
        continue;
      }
      double median = BenchSupport.median(runs);
      medians.put(variant, median);
      System.out.printf(
          name + "median " + valueFormat + "   runs %s%n",
          label.apply(variant),
          median,
          runs.stream()
              .map(r -> String.format(valueFormat, r).trim())
              .collect(Collectors.joining(", ")));
    }
    return medians;
  }
}
