package dev.microbatch.runner.state;

import java.util.Map;
import java.util.Optional;

/**
 * The keyed state one checkpoint writes: either a full snapshot of every store, or the changes
 * since the checkpoint it builds on ({@code parent}, a batch time). A store a snapshot leaves out
 * is empty; a store a delta leaves out did not change.
 */
public record StateCheckpoint(Optional<Long> parent, Map<StoreId, StoreChanges> stores) {

  public StateCheckpoint {
    stores = Map.copyOf(stores);
  }

  public static StateCheckpoint snapshot(Map<StoreId, StoreChanges> stores) {
    return new StateCheckpoint(Optional.empty(), stores);
  }

  public static StateCheckpoint delta(long parent, Map<StoreId, StoreChanges> stores) {
    return new StateCheckpoint(Optional.of(parent), stores);
  }

  public boolean isSnapshot() {
    return parent.isEmpty();
  }
}
