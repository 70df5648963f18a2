package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.HashCode;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.HashFunction;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;

/**
 * The keyed state of one partition of one stateful stage; it lives across batches. The engine
 * stores opaque per-key values; the translation layer decides what a key's state is and how it is
 * encoded for checkpoints.
 *
 * <p>Steps change a key's state in place, so the store cannot see writes. It knows which keys were
 * reached since the last checkpoint (looked up, created, removed, or passed by a scan over all
 * keys), and a checkpoint encodes only those and writes those whose encoding differs from the one
 * last checkpointed (kept as a 128-bit hash): a batch that touches 1% of the keys writes about 1% of
 * the state, and a timer scan that reaches every key but changes few writes few.
 *
 * <p>A store is only touched by the task that owns its partition in the current batch, so it needs
 * no locking.
 */
public final class KeyedStateStore<S> {

  private static final HashFunction HASH = Hashing.murmur3_128();

  /** A key's state and the hash of its last checkpointed encoding. */
  private static final class Slot<S> {
    final S value;
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

  private boolean scanned;
  private final boolean checkpointed;

  /** A store whose state is checkpointed: it keeps track of what changed. */
  KeyedStateStore(StateCodec<S> codec) {
    this(codec, true);
  }

  KeyedStateStore(StateCodec<S> codec, boolean checkpointed) {
    this.codec = codec;
    this.checkpointed = checkpointed;
  }

  public S getOrCreate(KeyBytes key, Function<KeyBytes, S> create) {
    Slot<S> slot = slots.get(key);
    if (slot == null) {
      slot = new Slot<>(create.apply(key));
      slots.put(key, slot);
    }
    reach(key);
    return slot.value;
  }

  /** The key's state; null when it has none. */
  public S get(KeyBytes key) {
    Slot<S> slot = slots.get(key);
    if (slot == null) {
      return null;
    }
    reach(key);
    return slot.value;
  }

  public void remove(KeyBytes key) {
    Slot<S> slot = slots.remove(key);
    if (slot != null) {
      forget(key, slot);
    }
  }

  /** A live view of the entries; callers may remove through its iterator. */
  public Iterable<Map.Entry<KeyBytes, S>> entries() {
    return () -> {
      scanned = true;
      Iterator<Map.Entry<KeyBytes, Slot<S>>> all = slots.entrySet().iterator();
      return new Iterator<>() {
        private Map.Entry<KeyBytes, Slot<S>> current;

        @Override
        public boolean hasNext() {
          return all.hasNext();
        }

        @Override
        public Map.Entry<KeyBytes, S> next() {
          current = all.next();
          return new AbstractMap.SimpleImmutableEntry<>(current.getKey(), current.getValue().value);
        }

        @Override
        public void remove() {
          all.remove();
          forget(current.getKey(), current.getValue());
        }
      };
    };
  }

  public int size() {
    return slots.size();
  }

  private void reach(KeyBytes key) {
    if (checkpointed && !scanned) {
      reached.add(key);
    }
  }

  private void forget(KeyBytes key, Slot<S> slot) {
    if (!checkpointed) {
      return;
    }
    reached.remove(key);
    if (slot.checkpointed) {
      removed.add(key);
    }
  }

  /**
   * What changed since the last checkpoint (or everything, for a snapshot), encoded; from now on
   * that is what was checkpointed last.
   */
  StoreChanges checkpoint(boolean snapshot) throws IOException {
    if (!checkpointed) {
      throw new IllegalStateException("A store of a run without checkpoints was checkpointed");
    }
    Map<KeyBytes, byte[]> written = new HashMap<>();
    Iterable<KeyBytes> candidates = snapshot || scanned ? slots.keySet() : reached;
    for (KeyBytes key : candidates) {
      Slot<S> slot = slots.get(key);
      if (slot == null) {
        continue;
      }
      byte[] encoded = encode(slot.value);
      if (slot.update(encoded) || snapshot) {
        written.put(key, encoded);
      }
    }
    Set<KeyBytes> gone = new HashSet<>();
    if (!snapshot) {
      for (KeyBytes key : removed) {
        if (!slots.containsKey(key)) {
          gone.add(key);
        }
      }
    }
    reached.clear();
    removed.clear();
    scanned = false;
    return new StoreChanges(written, gone);
  }

  /** Puts back checkpointed state; it counts as checkpointed. */
  void load(Map<KeyBytes, byte[]> checkpointed) throws IOException {
    slots.clear();
    reached.clear();
    removed.clear();
    scanned = false;
    for (Map.Entry<KeyBytes, byte[]> entry : checkpointed.entrySet()) {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry.getValue()));
      Slot<S> slot = new Slot<>(codec.decode(entry.getKey(), in));
      slot.update(entry.getValue());
      slots.put(entry.getKey(), slot);
    }
  }

  private byte[] encode(S value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    codec.encode(value, out);
    out.flush();
    return bytes.toByteArray();
  }
}
