package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * What one keyed state store holds, or what changed in it since its last checkpoint: each written
 * key's state, encoded on its own, and the keys whose state was removed.
 *
 * <p>Changes are either held (a delta, or a small store) or streamed: a snapshot of a store kept on
 * disk is read from it while the checkpoint is written, so the heap never holds a whole store. A
 * streamed snapshot is read once, before the store changes again.
 */
public abstract class StoreChanges {

  /** Receives a written key's encoded state. */
  @FunctionalInterface
  public interface EntryConsumer {
    void accept(KeyBytes key, byte[] state) throws IOException;
  }

  /** Receives a removed key. */
  @FunctionalInterface
  public interface KeyConsumer {
    void accept(KeyBytes key) throws IOException;
  }

  /** Streams a store's keys and states into a consumer, in one pass. */
  @FunctionalInterface
  interface Source {
    void forEach(EntryConsumer consumer) throws IOException;
  }

  public abstract long writtenCount();

  public abstract long removedCount();

  /** Passes each written key and its state to {@code consumer}, once each. */
  public abstract void forEachWritten(EntryConsumer consumer) throws IOException;

  public abstract void forEachRemoved(KeyConsumer consumer) throws IOException;

  public final boolean isEmpty() {
    return writtenCount() == 0 && removedCount() == 0;
  }

  /**
   * Changes held in memory; takes over the collections it is given (they can be large): callers do
   * not change them.
   */
  public static StoreChanges of(Map<KeyBytes, byte[]> written, Set<KeyBytes> removed) {
    return new Held(Collections.unmodifiableMap(written), Collections.unmodifiableSet(removed));
  }

  /**
   * A snapshot of {@code count} keys read from {@code source} when it is written; a source that
   * yields another number of keys fails the write, as the store changed under it.
   */
  static StoreChanges streamed(long count, Source source) {
    return new Streamed(count, source);
  }

  private static final class Held extends StoreChanges {
    private final Map<KeyBytes, byte[]> written;
    private final Set<KeyBytes> removed;

    Held(Map<KeyBytes, byte[]> written, Set<KeyBytes> removed) {
      this.written = written;
      this.removed = removed;
    }

    @Override
    public long writtenCount() {
      return written.size();
    }

    @Override
    public long removedCount() {
      return removed.size();
    }

    @Override
    public void forEachWritten(EntryConsumer consumer) throws IOException {
      for (Map.Entry<KeyBytes, byte[]> entry : written.entrySet()) {
        consumer.accept(entry.getKey(), entry.getValue());
      }
    }

    @Override
    public void forEachRemoved(KeyConsumer consumer) throws IOException {
      for (KeyBytes key : removed) {
        consumer.accept(key);
      }
    }
  }

  private static final class Streamed extends StoreChanges {
    private final long count;
    private final Source source;

    Streamed(long count, Source source) {
      this.count = count;
      this.source = source;
    }

    @Override
    public long writtenCount() {
      return count;
    }

    @Override
    public long removedCount() {
      return 0;
    }

    @Override
    public void forEachWritten(EntryConsumer consumer) throws IOException {
      long[] seen = {0};
      source.forEach(
          (key, state) -> {
            if (++seen[0] > count) {
              throw changedUnder();
            }
            consumer.accept(key, state);
          });
      if (seen[0] != count) {
        throw changedUnder();
      }
    }

    private IOException changedUnder() {
      return new IOException(
          "A keyed state store changed while its snapshot of " + count + " keys was written");
    }

    @Override
    public void forEachRemoved(KeyConsumer consumer) {}
  }
}
