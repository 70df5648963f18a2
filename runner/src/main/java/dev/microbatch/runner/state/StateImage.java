package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every store's state as of one checkpoint, each key's state still encoded: a snapshot with the
 * deltas after it applied in order.
 */
public final class StateImage {

  private final Map<StoreId, Map<KeyBytes, byte[]>> stores;
  private final int deltas;

  private StateImage(Map<StoreId, Map<KeyBytes, byte[]>> stores, int deltas) {
    this.stores = stores;
    this.deltas = deltas;
  }

  public static StateImage empty() {
    return new StateImage(new HashMap<>(), 0);
  }

  /**
   * The state a chain of checkpoints adds up to.
   *
   * @param chain a snapshot, then each delta built on the one before it, oldest first
   */
  public static StateImage replay(List<StateCheckpoint> chain) {
    if (chain.isEmpty() || !chain.get(0).isSnapshot()) {
      throw new IllegalArgumentException("A chain of state checkpoints starts with a snapshot");
    }
    Map<StoreId, Map<KeyBytes, byte[]>> stores = new HashMap<>();
    for (StateCheckpoint checkpoint : chain) {
      checkpoint
          .stores()
          .forEach(
              (id, changes) -> {
                Map<KeyBytes, byte[]> store = stores.computeIfAbsent(id, i -> new HashMap<>());
                changes.removed().forEach(store::remove);
                store.putAll(changes.written());
              });
    }
    stores.values().removeIf(Map::isEmpty);
    return new StateImage(stores, chain.size() - 1);
  }

  /** How many deltas were applied to the snapshot. */
  public int deltas() {
    return deltas;
  }

  /** The stores, by id; a store with no state is absent. */
  public Map<StoreId, Map<KeyBytes, byte[]>> stores() {
    return stores;
  }
}
