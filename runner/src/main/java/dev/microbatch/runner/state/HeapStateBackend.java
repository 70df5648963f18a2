package dev.microbatch.runner.state;

/** Keyed state in heap maps, the default: fastest while the state fits in memory. */
final class HeapStateBackend implements StateBackend {

  @Override
  public <S> KeyedStateStore<S> open(StoreId id, StateCodec<S> codec, boolean checkpointed) {
    return new HeapStateStore<>(codec, checkpointed);
  }

  @Override
  public void discardAll() {}

  @Override
  public EncodedState restoring(StoreId id) {
    return new EncodedState.OnHeap();
  }

  @Override
  public void close() {}
}
