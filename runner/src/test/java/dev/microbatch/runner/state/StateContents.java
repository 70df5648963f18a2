package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reads checkpointed state into maps, for specs to compare (small state only). */
public final class StateContents {

  private StateContents() {}

  /** Every store's keys and states a chain adds up to; a store left with none is absent. */
  public static Map<StoreId, Map<KeyBytes, byte[]>> of(StateChain chain) throws IOException {
    Map<StoreId, Map<KeyBytes, byte[]>> stores = new HashMap<>();
    chain.replayInto(
        new StateSink() {
          @Override
          public void put(StoreId store, KeyBytes key, byte[] state) {
            stores.computeIfAbsent(store, s -> new HashMap<>()).put(key, state);
          }

          @Override
          public void remove(StoreId store, KeyBytes key) {
            stores.computeIfAbsent(store, s -> new HashMap<>()).remove(key);
          }
        });
    stores.values().removeIf(Map::isEmpty);
    return stores;
  }

  /** The written keys and states of {@code changes}. */
  public static Map<KeyBytes, byte[]> written(StoreChanges changes) {
    Map<KeyBytes, byte[]> written = new HashMap<>();
    try {
      changes.forEachWritten(written::put);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return written;
  }

  /** The removed keys of {@code changes}. */
  public static Set<KeyBytes> removed(StoreChanges changes) {
    Set<KeyBytes> removed = new HashSet<>();
    try {
      changes.forEachRemoved(removed::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return removed;
  }

  /** A chain of state checkpoints held in memory, a snapshot first, as a backend would read it. */
  public static StateChain chain(StateCheckpoint... versions) throws IOException {
    Map<Long, StateCheckpoint> byVersion = new HashMap<>();
    for (int i = 0; i < versions.length; i++) {
      byVersion.put((long) i, versions[i]);
    }
    return StateChain.read(
        versions.length - 1,
        version -> {
          StateCheckpoint state = byVersion.get(version);
          return new StateChain.Version(
              version == 0 ? java.util.Optional.empty() : java.util.Optional.of(version - 1),
              sink -> replay(state, sink));
        });
  }

  private static void replay(StateCheckpoint state, StateSink sink) throws IOException {
    for (Map.Entry<StoreId, StoreChanges> store : state.stores().entrySet()) {
      store.getValue().forEachWritten((key, value) -> sink.put(store.getKey(), key, value));
      store.getValue().forEachRemoved(key -> sink.remove(store.getKey(), key));
    }
  }
}
