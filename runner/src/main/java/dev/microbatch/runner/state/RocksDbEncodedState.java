package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * A store's restored state written straight into its range of the database, in write batches of
 * bounded size, so that restoring a store larger than the heap passes through it key by key.
 */
final class RocksDbEncodedState extends EncodedState {

  /** Bytes a write batch gathers before it is written. */
  private static final long BATCH_BYTES = 8L << 20;

  private final RocksDbStateBackend backend;
  private final byte[] prefix;
  private WriteBatch batch = new WriteBatch();
  private long size = -1;

  RocksDbEncodedState(RocksDbStateBackend backend, byte[] prefix) {
    this.backend = backend;
    this.prefix = prefix;
  }

  byte[] prefix() {
    return prefix;
  }

  @Override
  void put(KeyBytes key, byte[] state) throws IOException {
    try {
      batch.put(RocksDbStateStore.stateKey(prefix, key.bytes()), state);
    } catch (RocksDBException e) {
      throw new IOException("Cannot restore keyed state into RocksDB", e);
    }
    flushIfFull();
  }

  @Override
  void remove(KeyBytes key) throws IOException {
    try {
      batch.delete(RocksDbStateStore.stateKey(prefix, key.bytes()));
    } catch (RocksDBException e) {
      throw new IOException("Cannot restore keyed state into RocksDB", e);
    }
    flushIfFull();
  }

  private void flushIfFull() throws IOException {
    if (batch.getDataSize() >= BATCH_BYTES) {
      flush();
    }
  }

  private void flush() throws IOException {
    try {
      backend.db().write(backend.writeOptions(), batch);
      batch.close();
      batch = new WriteBatch();
    } catch (RocksDBException e) {
      throw new IOException("Cannot restore keyed state into RocksDB", e);
    }
  }

  /** Writes what is left and counts the keys (deltas put keys that may exist already). */
  @Override
  void finish() throws IOException {
    flush();
    batch.close();
    long[] count = {0};
    RocksDbStateStore.forEachState(backend, prefix, (key, state) -> count[0]++);
    size = count[0];
  }

  @Override
  long size() {
    if (size < 0) {
      throw new IllegalStateException("The size of restored state is known once it is finished");
    }
    return size;
  }

  @Override
  StoreChanges snapshot() {
    return StoreChanges.streamed(
        size(), states -> RocksDbStateStore.forEachState(backend, prefix, states));
  }
}
