package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.joda.time.Instant;

/**
 * The keys of one store ordered by when they are due, by event time and by processing time, and
 * their watermark holds: a batch visits the keys that are due instead of scanning them all.
 */
final class WakeIndex {

  private final TreeMap<Instant, Set<KeyBytes>> byEventTime = new TreeMap<>();
  private final TreeMap<Instant, Set<KeyBytes>> byProcessingTime = new TreeMap<>();
  /** How many keys hold the watermark at each time. */
  private final TreeMap<Instant, Integer> holds = new TreeMap<>();

  void add(KeyBytes key, Wake wake) {
    wake.eventTime().ifPresent(t -> byEventTime.computeIfAbsent(t, x -> new HashSet<>()).add(key));
    wake.processingTime()
        .ifPresent(t -> byProcessingTime.computeIfAbsent(t, x -> new HashSet<>()).add(key));
    wake.hold().ifPresent(t -> holds.merge(t, 1, Integer::sum));
  }

  void remove(KeyBytes key, Wake wake) {
    wake.eventTime().ifPresent(t -> removeFrom(byEventTime, t, key));
    wake.processingTime().ifPresent(t -> removeFrom(byProcessingTime, t, key));
    wake.hold().ifPresent(t -> holds.computeIfPresent(t, (x, n) -> n == 1 ? null : n - 1));
  }

  private static void removeFrom(TreeMap<Instant, Set<KeyBytes>> index, Instant at, KeyBytes key) {
    Set<KeyBytes> keys = index.get(at);
    if (keys != null && keys.remove(key) && keys.isEmpty()) {
      index.remove(at);
    }
  }

  /** Adds the keys due once the watermark is at {@code watermark} and the time {@code now}. */
  void collectDue(Instant watermark, Instant now, Collection<KeyBytes> into) {
    collect(byEventTime.headMap(watermark, true), into);
    collect(byProcessingTime.headMap(now, true), into);
  }

  private static void collect(Map<Instant, Set<KeyBytes>> due, Collection<KeyBytes> into) {
    for (Set<KeyBytes> keys : due.values()) {
      into.addAll(keys);
    }
  }

  Optional<Instant> earliestHold() {
    return holds.isEmpty() ? Optional.empty() : Optional.of(holds.firstKey());
  }

  void clear() {
    byEventTime.clear();
    byProcessingTime.clear();
    holds.clear();
  }
}
