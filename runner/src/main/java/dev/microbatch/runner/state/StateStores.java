package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All keyed state stores of one running pipeline (or of one stage partition on an executor), by
 * stage name and partition.
 *
 * <p>Restored state stays encoded until the stage opens its store (only the stage knows its codec);
 * a store not opened since the restore has not changed, and a snapshot writes it as it was read.
 */
public final class StateStores {

  private final ConcurrentHashMap<StoreId, KeyedStateStore<?>> stores = new ConcurrentHashMap<>();
  private final boolean checkpointed;
  private final ConcurrentHashMap<StoreId, Map<KeyBytes, byte[]>> restored =
      new ConcurrentHashMap<>();

  /** Stores that are checkpointed: they keep track of what changed since the last checkpoint. */
  public StateStores() {
    this(true);
  }

  private StateStores(boolean checkpointed) {
    this.checkpointed = checkpointed;
  }

  /** Stores of a run without checkpoints, which need not keep track of what changed. */
  public static StateStores uncheckpointed() {
    return new StateStores(false);
  }

  @SuppressWarnings("unchecked")
  public <S> KeyedStateStore<S> store(String stage, int partition, StateCodec<S> codec) {
    return (KeyedStateStore<S>)
        stores.computeIfAbsent(new StoreId(stage, partition), id -> open(id, codec));
  }

  private <S> KeyedStateStore<S> open(StoreId id, StateCodec<S> codec) {
    KeyedStateStore<S> store = new KeyedStateStore<>(codec, checkpointed);
    Map<KeyBytes, byte[]> state = restored.remove(id);
    if (state != null) {
      try {
        store.load(state);
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

  /**
   * The state to checkpoint: every store whole ({@code parent} empty), or what changed since the
   * checkpoint {@code parent}, which must be the last one this was asked for or restored from.
   */
  public StateCheckpoint checkpoint(Optional<Long> parent) throws IOException {
    boolean snapshot = parent.isEmpty();
    Map<StoreId, StoreChanges> changes = new HashMap<>();
    if (snapshot) {
      restored.forEach((id, state) -> changes.put(id, new StoreChanges(state, Set.of())));
    }
    for (Map.Entry<StoreId, KeyedStateStore<?>> store : stores.entrySet()) {
      StoreChanges changed = store.getValue().checkpoint(snapshot);
      if (!changed.isEmpty()) {
        changes.put(store.getKey(), changed);
      }
    }
    return new StateCheckpoint(parent, changes);
  }

  /** Replaces every store with checkpointed ones (decoded when their stage opens them). */
  public void restore(StateImage image) {
    stores.clear();
    restored.clear();
    restored.putAll(image.stores());
  }
}
