package dev.microbatch.runner.state;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All keyed state stores of one running pipeline, by stage name and partition.
 *
 * <p>Restored state stays encoded until the stage opens its store (only the stage knows its codec);
 * a store not opened since the restore is checkpointed again as it was read.
 */
public final class StateStores {

  private final ConcurrentHashMap<StoreId, KeyedStateStore<?>> stores = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<StoreId, byte[]> restored = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  public <S> KeyedStateStore<S> store(String stage, int partition, StateCodec<S> codec) {
    return (KeyedStateStore<S>)
        stores.computeIfAbsent(new StoreId(stage, partition), id -> open(id, codec));
  }

  private <S> KeyedStateStore<S> open(StoreId id, StateCodec<S> codec) {
    KeyedStateStore<S> store = new KeyedStateStore<>(codec);
    byte[] bytes = restored.remove(id);
    if (bytes != null) {
      try {
        store.decode(bytes);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(
            "Cannot read the checkpointed state of stage "
                + id.stage()
                + " partition "
                + id.partition(),
            e);
      }
    }
    return store;
  }

  /** Every store, encoded: the live ones and those restored but not opened since. */
  public Map<StoreId, byte[]> snapshot() throws IOException {
    Map<StoreId, byte[]> snapshot = new HashMap<>(restored);
    for (Map.Entry<StoreId, KeyedStateStore<?>> store : stores.entrySet()) {
      if (store.getValue().size() > 0) {
        snapshot.put(store.getKey(), store.getValue().encode());
      }
    }
    return snapshot;
  }

  /** Replaces every store with the checkpointed ones (decoded when their stage opens them). */
  public void restore(Map<StoreId, byte[]> checkpointed) {
    stores.clear();
    restored.clear();
    restored.putAll(checkpointed);
  }
}
