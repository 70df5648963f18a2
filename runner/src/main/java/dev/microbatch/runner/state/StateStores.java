package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All keyed state stores of one running pipeline (or of one stage partition on an executor), by
 * stage name and partition.
 *
 * <p>Restored state stays encoded until the stage opens its store (only the stage knows its codec);
 * a store not opened since the restore has not changed, and a snapshot writes it as it was read.
 */
public final class StateStores implements AutoCloseable {

  private final ConcurrentHashMap<StoreId, KeyedStateStore<?>> stores = new ConcurrentHashMap<>();
  private final StateBackend backend;
  private final boolean checkpointed;
  private final ConcurrentHashMap<StoreId, EncodedState> restored = new ConcurrentHashMap<>();

  /**
   * Heap stores that are checkpointed: they keep track of what changed since the last checkpoint.
   */
  public StateStores() {
    this(new HeapStateBackend(), true);
  }

  /**
   * Stores kept by {@code backend}, which these own (and close); {@code checkpointed} ones keep
   * track of what changed since the last checkpoint.
   */
  public StateStores(StateBackend backend, boolean checkpointed) {
    this.backend = backend;
    this.checkpointed = checkpointed;
  }

  /** Heap stores of a run without checkpoints, which need not keep track of what changed. */
  public static StateStores uncheckpointed() {
    return new StateStores(new HeapStateBackend(), false);
  }

  @SuppressWarnings("unchecked")
  public <S> KeyedStateStore<S> store(String stage, int partition, StateCodec<S> codec) {
    return (KeyedStateStore<S>)
        stores.computeIfAbsent(new StoreId(stage, partition), id -> open(id, codec));
  }

  private <S> KeyedStateStore<S> open(StoreId id, StateCodec<S> codec) {
    KeyedStateStore<S> store = backend.open(id, codec, checkpointed);
    EncodedState state = restored.remove(id);
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
   * checkpoint {@code parent}, which must be the last one this was asked for or restored from. A
   * snapshot is read from the stores as it is written: write it before they are used again.
   */
  public StateCheckpoint checkpoint(Optional<Long> parent) throws IOException {
    boolean snapshot = parent.isEmpty();
    Map<StoreId, StoreChanges> changes = new HashMap<>();
    if (snapshot) {
      restored.forEach((id, state) -> changes.put(id, state.snapshot()));
    }
    for (Map.Entry<StoreId, KeyedStateStore<?>> store : stores.entrySet()) {
      StoreChanges changed = store.getValue().checkpoint(snapshot);
      if (!changed.isEmpty()) {
        changes.put(store.getKey(), changed);
      }
    }
    return new StateCheckpoint(parent, changes);
  }

  /**
   * The task of partition {@code partition} of stage {@code stage} ended: its stores write back
   * what it changed (to RocksDB; heap stores hold it already).
   */
  public void release(String stage, int partition) throws IOException {
    for (Map.Entry<StoreId, KeyedStateStore<?>> store : stores.entrySet()) {
      StoreId id = store.getKey();
      if (id.partition() == partition
          && (id.stage().equals(stage) || id.stage().startsWith(stage + "#"))) {
        store.getValue().release();
      }
    }
  }

  /**
   * Replaces every store with checkpointed ones, read key by key from {@code chain} into the
   * backend (decoded when their stage opens them).
   */
  public void restore(StateChain chain) throws IOException {
    stores.clear();
    backend.discardAll();
    restored.clear();
    Map<StoreId, EncodedState> states = new HashMap<>();
    chain.replayInto(
        new StateSink() {
          @Override
          public void put(StoreId store, KeyBytes key, byte[] state) throws IOException {
            states.computeIfAbsent(store, backend::restoring).put(key, state);
          }

          @Override
          public void remove(StoreId store, KeyBytes key) throws IOException {
            states.computeIfAbsent(store, backend::restoring).remove(key);
          }
        });
    for (Map.Entry<StoreId, EncodedState> state : states.entrySet()) {
      state.getValue().finish();
      if (state.getValue().size() > 0) {
        restored.put(state.getKey(), state.getValue());
      }
    }
  }

  /** Frees the backend's memory and local files; the stores are gone. */
  @Override
  public void close() {
    stores.clear();
    restored.clear();
    backend.close();
  }
}
