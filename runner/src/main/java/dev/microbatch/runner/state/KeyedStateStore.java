package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The keyed state of one partition of one stateful stage; it lives across batches. The engine
 * stores opaque per-key values; the translation layer decides what a key's state is.
 *
 * <p>A store is only touched by the task that owns its partition in the current batch, so it needs
 * no locking.
 */
public final class KeyedStateStore<S> {

  private final Map<KeyBytes, S> states = new HashMap<>();

  public S getOrCreate(KeyBytes key, Function<KeyBytes, S> create) {
    return states.computeIfAbsent(key, create);
  }

  public S get(KeyBytes key) {
    return states.get(key);
  }

  public void remove(KeyBytes key) {
    states.remove(key);
  }

  /** A live view of the entries; callers may remove through its iterator. */
  public Iterable<Map.Entry<KeyBytes, S>> entries() {
    return states.entrySet();
  }

  public int size() {
    return states.size();
  }
}
