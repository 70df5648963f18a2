package dev.microbatch.runner.state;

/**
 * Where the keyed state stores of one {@link StateStores} keep their state while the run is live:
 * heap maps, or a RocksDB database on local disk. Checkpoints are the same for both.
 */
public interface StateBackend extends AutoCloseable {

  <S> KeyedStateStore<S> open(StoreId id, StateCodec<S> codec, boolean checkpointed);

  /** Drops every store's state: a restore is about to replace it. */
  void discardAll();

  /**
   * An empty place for store {@code id}'s restored state, kept where the backend keeps live state;
   * the store {@link #open}ed for {@code id} later takes it over.
   */
  EncodedState restoring(StoreId id);

  /** Frees what the backend holds (native memory, local files). */
  @Override
  void close();
}
