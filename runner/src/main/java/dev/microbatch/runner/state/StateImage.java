package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
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

  /** Reads one version's state checkpoint, wherever a backend keeps them. */
  @FunctionalInterface
  public interface VersionReader {
    StateCheckpoint read(long version) throws IOException;
  }

  /** The state as of {@code version}: it and the versions it builds on, back to a snapshot. */
  public static Chain readChain(long version, VersionReader reader) throws IOException {
    List<StateCheckpoint> chain = new ArrayList<>();
    long current = version;
    StateCheckpoint state = reader.read(current);
    chain.add(state);
    while (state.parent().isPresent()) {
      current = state.parent().get();
      state = reader.read(current);
      chain.add(state);
    }
    Collections.reverse(chain);
    return new Chain(replay(chain), current);
  }

  /** A version's state and the snapshot version its chain starts from. */
  public record Chain(StateImage image, long snapshotVersion) {}

  /** How many deltas were applied to the snapshot. */
  public int deltas() {
    return deltas;
  }

  /** Whether the checkpoint after one with this state's chain is a snapshot again. */
  public static boolean snapshotDue(int deltasSinceSnapshot, int snapshotEvery) {
    return deltasSinceSnapshot + 1 >= snapshotEvery;
  }

  /** The stores, by id; a store with no state is absent. */
  public Map<StoreId, Map<KeyBytes, byte[]>> stores() {
    return stores;
  }
}
