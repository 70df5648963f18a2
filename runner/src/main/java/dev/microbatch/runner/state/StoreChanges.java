package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * What one keyed state store holds, or what changed in it since its last checkpoint: each written
 * key's state, encoded on its own, and the keys whose state was removed.
 */
public record StoreChanges(Map<KeyBytes, byte[]> written, Set<KeyBytes> removed) {

  /** Takes over the collections it is given (they can be large): callers do not change them. */
  public StoreChanges {
    written = Collections.unmodifiableMap(written);
    removed = Collections.unmodifiableSet(removed);
  }

  public boolean isEmpty() {
    return written.isEmpty() && removed.isEmpty();
  }

  /** The bytes of state this holds (keys and values). */
  public long bytes() {
    long bytes = 0;
    for (Map.Entry<KeyBytes, byte[]> entry : written.entrySet()) {
      bytes += entry.getKey().bytes().length + entry.getValue().length;
    }
    for (KeyBytes key : removed) {
      bytes += key.bytes().length;
    }
    return bytes;
  }
}
