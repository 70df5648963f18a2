package dev.microbatch.translation.runtime;

import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;

/**
 * The Beam state and timers of one key of a keyed step, kept in the stage's keyed state store
 * across batches.
 */
public final class KeyState {

  private final Object key;
  private final InMemoryStateInternals<Object> state;
  private final InMemoryTimerInternals timers = new InMemoryTimerInternals();

  public KeyState(Object key) {
    this.key = key;
    this.state = InMemoryStateInternals.forKey(key);
  }

  public Object key() {
    return key;
  }

  public InMemoryStateInternals<Object> state() {
    return state;
  }

  public InMemoryTimerInternals timers() {
    return timers;
  }
}
