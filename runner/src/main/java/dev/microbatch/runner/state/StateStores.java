package dev.microbatch.runner.state;

import java.util.concurrent.ConcurrentHashMap;

/** All keyed state stores of one running pipeline, by stage name and partition. */
public final class StateStores {

  private record StoreId(String stage, int partition) {}

  private final ConcurrentHashMap<StoreId, KeyedStateStore<?>> stores = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  public <S> KeyedStateStore<S> store(String stage, int partition) {
    return (KeyedStateStore<S>)
        stores.computeIfAbsent(new StoreId(stage, partition), id -> new KeyedStateStore<>());
  }
}
