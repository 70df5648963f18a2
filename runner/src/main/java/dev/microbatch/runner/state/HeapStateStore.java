package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.HashCode;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.HashFunction;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;
import org.joda.time.Instant;

/**
 * Keyed state in heap maps: values live as objects and steps change them in place, so the store
 * cannot see writes. It knows which keys were reached since the last checkpoint (looked up, created
 * or removed), and a checkpoint encodes only those and writes those whose encoding differs from the
 * one last checkpointed (kept as a 128-bit hash): a batch that touches 1% of the keys writes about
 * 1% of the state. Its wake index is in heap too.
 */
final class HeapStateStore<S> extends KeyedStateStore<S> {

  private static final HashFunction HASH = Hashing.murmur3_128();

  /** A key's state and the hash of its last checkpointed encoding. */
  private static final class Slot<S> {
    final S value;
    /** Where the key stands in the wake index; null while not indexed. */
    Wake wake;
    boolean checkpointed;
    long hashHigh;
    long hashLow;

    Slot(S value) {
      this.value = value;
    }

    /** True if {@code encoded} differs from what was checkpointed last; it is now. */
    boolean update(byte[] encoded) {
      HashCode hash = HASH.hashBytes(encoded);
      byte[] bytes = hash.asBytes();
      long high = java.nio.ByteBuffer.wrap(bytes, 0, 8).getLong();
      long low = java.nio.ByteBuffer.wrap(bytes, 8, 8).getLong();
      boolean changed = !checkpointed || high != hashHigh || low != hashLow;
      checkpointed = true;
      hashHigh = high;
      hashLow = low;
      return changed;
    }
  }

  private final Map<KeyBytes, Slot<S>> slots = new HashMap<>();
  private final StateCodec<S> codec;
  /** Keys reached since the last checkpoint, unless a scan reached them all. */
  private final Set<KeyBytes> reached = new HashSet<>();
  /** Keys in the last checkpoint removed since. */
  private final Set<KeyBytes> removed = new HashSet<>();

  private final boolean checkpointed;
  private final WakeIndex index = new WakeIndex();
  /** Keys reached since the index was last brought up to date; only kept once scheduled. */
  private final Set<KeyBytes> stale = new HashSet<>();
  private Timetable<S> timetable;

  /** A store whose state is checkpointed: it keeps track of what changed. */
  HeapStateStore(StateCodec<S> codec) {
    this(codec, true);
  }

  HeapStateStore(StateCodec<S> codec, boolean checkpointed) {
    this.codec = codec;
    this.checkpointed = checkpointed;
  }

  @Override
  public S getOrCreate(KeyBytes key, Function<KeyBytes, S> create) {
    Slot<S> slot = slots.get(key);
    if (slot == null) {
      slot = new Slot<>(create.apply(key));
      slots.put(key, slot);
    }
    reach(key);
    return slot.value;
  }

  @Override
  public S get(KeyBytes key) {
    Slot<S> slot = slots.get(key);
    if (slot == null) {
      return null;
    }
    reach(key);
    return slot.value;
  }

  @Override
  public void remove(KeyBytes key) {
    Slot<S> slot = slots.remove(key);
    if (slot != null) {
      forget(key, slot);
    }
  }

  @Override
  public long size() {
    return slots.size();
  }

  @Override
  public void schedule(Timetable<S> timetable) {
    if (this.timetable != null) {
      return;
    }
    this.timetable = timetable;
    for (Map.Entry<KeyBytes, Slot<S>> entry : slots.entrySet()) {
      stale.add(entry.getKey());
    }
  }

  @Override
  public Iterable<KeyBytes> due(Instant watermark, Instant now) {
    requireScheduled();
    Set<KeyBytes> due = new LinkedHashSet<>();
    for (KeyBytes key : stale) {
      Slot<S> slot = slots.get(key);
      if (slot != null && reindex(key, slot).dueBy(watermark, now)) {
        due.add(key);
      }
    }
    stale.clear();
    index.collectDue(watermark, now, due);
    return new ArrayList<>(due);
  }

  @Override
  public Optional<Instant> earliestHold() {
    requireScheduled();
    for (KeyBytes key : stale) {
      Slot<S> slot = slots.get(key);
      if (slot != null) {
        reindex(key, slot);
      }
    }
    stale.clear();
    return index.earliestHold();
  }

  private Wake reindex(KeyBytes key, Slot<S> slot) {
    if (slot.wake != null) {
      index.remove(key, slot.wake);
    }
    slot.wake = timetable.wakeOf(slot.value);
    index.add(key, slot.wake);
    return slot.wake;
  }

  private void requireScheduled() {
    if (timetable == null) {
      throw notScheduled();
    }
  }

  private void reach(KeyBytes key) {
    if (timetable != null) {
      stale.add(key);
    }
    if (checkpointed) {
      reached.add(key);
    }
  }

  private void forget(KeyBytes key, Slot<S> slot) {
    if (slot.wake != null) {
      index.remove(key, slot.wake);
    }
    stale.remove(key);
    if (!checkpointed) {
      return;
    }
    reached.remove(key);
    if (slot.checkpointed) {
      removed.add(key);
    }
  }

  @Override
  StoreChanges checkpoint(boolean snapshot) throws IOException {
    if (!checkpointed) {
      throw new IllegalStateException("A store of a run without checkpoints was checkpointed");
    }
    if (snapshot) {
      reached.clear();
      removed.clear();
      // Encoded as the file is written: the heap holds the live state, not a second, encoded copy.
      return StoreChanges.streamed(
          slots.size(),
          states -> {
            for (Map.Entry<KeyBytes, Slot<S>> entry : slots.entrySet()) {
              byte[] encoded = encode(entry.getValue().value);
              entry.getValue().update(encoded);
              states.accept(entry.getKey(), encoded);
            }
          });
    }
    Map<KeyBytes, byte[]> written = new HashMap<>();
    for (KeyBytes key : reached) {
      Slot<S> slot = slots.get(key);
      if (slot == null) {
        continue;
      }
      byte[] encoded = encode(slot.value);
      if (slot.update(encoded)) {
        written.put(key, encoded);
      }
    }
    Set<KeyBytes> gone = new HashSet<>();
    for (KeyBytes key : removed) {
      if (!slots.containsKey(key)) {
        gone.add(key);
      }
    }
    reached.clear();
    removed.clear();
    return StoreChanges.of(written, gone);
  }

  @Override
  void load(EncodedState restored) throws IOException {
    slots.clear();
    reached.clear();
    removed.clear();
    index.clear();
    stale.clear();
    restored
        .snapshot()
        .forEachWritten(
            (key, state) -> {
              Slot<S> slot = new Slot<>(decode(codec, key, state));
              slot.update(state);
              slots.put(key, slot);
              if (timetable != null) {
                stale.add(key);
              }
            });
  }

  private byte[] encode(S value) throws IOException {
    return encode(codec, value);
  }
}
