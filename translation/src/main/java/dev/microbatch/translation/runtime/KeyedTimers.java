package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.KeyedStateStore;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.joda.time.Instant;

/** Advances one key's timer clocks and takes the timers that became due, earliest first. */
final class KeyedTimers {

  private KeyedTimers() {}

  static void advance(InMemoryTimerInternals timers, Instant watermark, Instant processingTime)
      throws Exception {
    if (watermark.isAfter(timers.currentInputWatermarkTime())) {
      timers.advanceInputWatermark(watermark);
    }
    if (processingTime.isAfter(timers.currentProcessingTime())) {
      timers.advanceProcessingTime(processingTime);
    }
    if (processingTime.isAfter(timers.currentSynchronizedProcessingTime())) {
      timers.advanceSynchronizedProcessingTime(processingTime);
    }
  }

  /**
   * Removes the next timer that is due, event time first; empty when none is. Timers are taken one
   * at a time because firing one may set or delete others.
   */
  static Optional<TimerData> nextDue(InMemoryTimerInternals timers) {
    TimerData timer = timers.removeNextEventTimer();
    if (timer == null) {
      timer = timers.removeNextProcessingTimer();
    }
    if (timer == null) {
      timer = timers.removeNextSynchronizedProcessingTimer();
    }
    return Optional.ofNullable(timer);
  }

  /** Work done for one key when the watermark advances. */
  @FunctionalInterface
  interface KeyWork {
    void run(KeyBytes key, KeyState state) throws Exception;
  }

  /** Fires one timer of a key. */
  @FunctionalInterface
  interface TimerCallback {
    void fire(TimerData timer) throws Exception;
  }

  /** What holds one key's output watermark back (watermark holds, pending timers). */
  @FunctionalInterface
  interface Hold {
    Optional<Instant> of(KeyState state);
  }

  /**
   * Runs {@code work} for every key of the store, drops keys left with no timers (their windows are
   * all garbage-collected), and returns the output watermark: the input watermark held back by the
   * earliest {@code hold} of any key.
   */
  static Instant forEachKey(
      KeyedStateStore<KeyState> store, Instant inputWatermark, Hold hold, KeyWork work)
      throws Exception {
    Instant outputWatermark = inputWatermark;
    Iterator<Map.Entry<KeyBytes, KeyState>> keys = store.entries().iterator();
    while (keys.hasNext()) {
      Map.Entry<KeyBytes, KeyState> entry = keys.next();
      KeyState state = entry.getValue();
      work.run(entry.getKey(), state);
      if (!state.timers().hasPendingTimers()) {
        keys.remove();
        continue;
      }
      Optional<Instant> held = hold.of(state);
      if (held.isPresent() && held.get().isBefore(outputWatermark)) {
        outputWatermark = held.get();
      }
    }
    return outputWatermark;
  }

  /**
   * Most timers one key fires in one call. A timer that keeps re-arming itself for a time already
   * due (a resuming restriction while the pipeline drains) would otherwise hold the batch forever;
   * what is left fires in the next batch.
   */
  static final int MAX_FIRINGS_PER_KEY = 10_000;

  /** Advances a key's clocks and fires its due timers one by one until none is due. */
  static void fireDue(
      KeyState state, Instant watermark, Instant processingTime, TimerCallback callback)
      throws Exception {
    advance(state.timers(), watermark, processingTime);
    Optional<TimerData> due;
    int fired = 0;
    while (fired++ < MAX_FIRINGS_PER_KEY && (due = nextDue(state.timers())).isPresent()) {
      callback.fire(due.get());
    }
  }
}
