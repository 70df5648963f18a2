package dev.microbatch.examples.bench;

import java.util.List;
import java.util.Set;

/**
 * Warm-up rounds, then measured rounds; each round runs every variant once, in an order rotated per
 * round so that no variant always runs right after the same other (on the heap and page cache it
 * left).
 */
record Rounds(int warmups, int measured) {

  /** From {@code bench.warmups} (1) and {@code bench.rounds} (3). */
  static Rounds fromSystemProperties() {
    return new Rounds(
        Integer.getInteger("bench.warmups", 1), Integer.getInteger("bench.rounds", 3));
  }

  /** One run of one variant in a round. */
  interface RunOnce<V> {
    void run(String roundName, boolean measure, V variant) throws Exception;
  }

  /** Runs every round; variants in {@code skipped} (failed ones) are left out from then on. */
  <V> void run(List<V> variants, Set<V> skipped, RunOnce<V> once) throws Exception {
    for (int round = 0; round < warmups + measured; round++) {
      String roundName = round < warmups ? round + " warm-up" : round + " measured";
      for (int i = 0; i < variants.size(); i++) {
        V variant = variants.get((i + round) % variants.size());
        if (!skipped.contains(variant)) {
          once.run(roundName, round >= warmups, variant);
        }
      }
    }
  }

  @Override
  public String toString() {
    return warmups + " warm-up + " + measured + " measured, variant order rotated every round";
  }
}
