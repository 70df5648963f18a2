package dev.microbatch.translation.runtime;

import java.util.Optional;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.joda.time.Instant;

/** One key's Beam state, which can also tell the earliest watermark hold it contains. */
final class KeyStateInternals extends InMemoryStateInternals<Object> {

  KeyStateInternals(Object key) {
    super(key);
  }

  /** The earliest watermark hold over all namespaces; empty when nothing holds. */
  Optional<Instant> earliestHold() {
    Instant earliest = null;
    for (StateNamespace namespace : inMemoryState.getNamespacesInUse()) {
      for (State state : inMemoryState.getTagsInUse(namespace).values()) {
        if (state instanceof WatermarkHoldState hold) {
          Instant held = hold.read();
          if (held != null && (earliest == null || held.isBefore(earliest))) {
            earliest = held;
          }
        }
      }
    }
    return Optional.ofNullable(earliest);
  }
}
