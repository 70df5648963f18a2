package dev.microbatch.translation.runtime;

/**
 * The Beam state and timers of one key of a keyed step, kept in the stage's keyed state store
 * across batches.
 */
public final class KeyState {

  private final Object key;
  private final KeyStateInternals state;
  private final KeyTimerInternals timers = new KeyTimerInternals();

  public KeyState(Object key) {
    this.key = key;
    this.state = new KeyStateInternals(key);
  }

  public Object key() {
    return key;
  }

  KeyStateInternals state() {
    return state;
  }

  KeyTimerInternals timers() {
    return timers;
  }
}
