package dev.microbatch.translation.runtime;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * One window's accumulations in a task, by the key's structural value: a chained hash table whose
 * entries are the accumulations themselves.
 *
 * <p>Why not a {@code HashMap<Object, Accumulation>}: a lifted combine looks up one key per
 * element, and with many keys each lookup waits on memory for every object it follows. A map's
 * node and the accumulation it points to are two such waits; here they are one.
 */
final class AccumulationTable implements Iterable<Accumulation> {

  private static final int INITIAL_CAPACITY = 256;

  private Entry[] buckets = new Entry[INITIAL_CAPACITY];
  private int size;

  /**
   * The accumulation of {@code structuralKey}, or null if it has none yet. The key may be null (a
   * nullable key coder's structural value of a null key), as a {@code HashMap}'s may.
   */
  @Nullable Accumulation get(@Nullable Object structuralKey) {
    int hash = spread(Objects.hashCode(structuralKey));
    for (Entry e = buckets[hash & (buckets.length - 1)]; e != null; e = e.next) {
      if (e.hash == hash
          && (e.structuralKey == structuralKey
              || (structuralKey != null && structuralKey.equals(e.structuralKey)))) {
        return e;
      }
    }
    return null;
  }

  /**
   * Begins the accumulation of {@code structuralKey}, which has none yet; {@code key} is the key
   * object emitted with it.
   */
  Accumulation begin(
      @Nullable Object structuralKey, @Nullable Object key, Object accumulator, Instant timestamp) {
    int hash = spread(Objects.hashCode(structuralKey));
    int index = hash & (buckets.length - 1);
    Entry created = new Entry(hash, structuralKey, key, accumulator, timestamp, buckets[index]);
    buckets[index] = created;
    if (++size > buckets.length - (buckets.length >>> 2)) {
      grow();
    }
    return created;
  }

  int size() {
    return size;
  }

  @Override
  public Iterator<Accumulation> iterator() {
    List<Accumulation> all = new ArrayList<>(size);
    for (Entry head : buckets) {
      for (Entry e = head; e != null; e = e.next) {
        all.add(e);
      }
    }
    return all.iterator();
  }

  /** As HashMap does: the high bits take part in choosing a bucket. */
  private static int spread(int hashCode) {
    return hashCode ^ (hashCode >>> 16);
  }

  private void grow() {
    Entry[] larger = new Entry[buckets.length * 2];
    for (Entry head : buckets) {
      Entry e = head;
      while (e != null) {
        Entry next = e.next;
        int index = e.hash & (larger.length - 1);
        e.next = larger[index];
        larger[index] = e;
        e = next;
      }
    }
    buckets = larger;
  }

  /** An accumulation with what the table needs to find it. */
  private static final class Entry extends Accumulation {
    final int hash;
    final @Nullable Object structuralKey;
    Entry next;

    Entry(
        int hash,
        @Nullable Object structuralKey,
        @Nullable Object key,
        Object accumulator,
        Instant timestamp,
        Entry next) {
      super(key, accumulator, timestamp);
      this.hash = hash;
      this.structuralKey = structuralKey;
      this.next = next;
    }
  }
}
