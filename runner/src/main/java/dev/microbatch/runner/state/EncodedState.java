package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One store's checkpointed state as it is restored, still encoded: only the stage knows how to
 * decode it, and it may not open its store for a while (or ever). A backend keeps it where it
 * keeps live state (a heap map, or the store's range of the database), so a restore of a store on
 * disk does not pass through the heap.
 */
abstract class EncodedState {

  abstract void put(KeyBytes key, byte[] state) throws IOException;

  abstract void remove(KeyBytes key) throws IOException;

  /** The restore is complete: everything put is where the store will read it. */
  abstract void finish() throws IOException;

  /** How many keys have state; known once finished. */
  abstract long size();

  /** Every key's state, for a snapshot taken before the stage opened its store. */
  abstract StoreChanges snapshot();

  /** Encoded state in a heap map. */
  static final class OnHeap extends EncodedState {
    private final Map<KeyBytes, byte[]> states = new HashMap<>();

    @Override
    void put(KeyBytes key, byte[] state) {
      states.put(key, state);
    }

    @Override
    void remove(KeyBytes key) {
      states.remove(key);
    }

    @Override
    void finish() {}

    @Override
    long size() {
      return states.size();
    }

    @Override
    StoreChanges snapshot() {
      return StoreChanges.of(states, Set.of());
    }

    Map<KeyBytes, byte[]> states() {
      return states;
    }
  }
}
