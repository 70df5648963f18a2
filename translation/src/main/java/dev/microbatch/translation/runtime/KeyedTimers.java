package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.Timetable;
import dev.microbatch.runner.state.Wake;
import java.util.Collection;
import java.util.Optional;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
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
   * When a key is due: at its earliest event-time timer by the watermark, at its earliest
   * processing-time timer by processing time; meanwhile it holds the output watermark at {@code
   * hold}. A key with no timers left is due at once, for {@link #forEachKey} to drop it.
   */
  static Timetable<KeyState> timetable(Hold hold) {
    return state -> {
      KeyTimerInternals timers = state.timers();
      if (!timers.hasPendingTimers()) {
        return Wake.now();
      }
      return new Wake(
          timers.earliestTimestamp(timer -> timer.getDomain() == TimeDomain.EVENT_TIME),
          timers.earliestTimestamp(timer -> timer.getDomain() != TimeDomain.EVENT_TIME),
          hold.of(state));
    };
  }

  /**
   * Runs {@code work} for every key that is due by {@code inputWatermark} or {@code
   * processingTime} (a key with no timers is due at once), and for those in {@code alsoVisit};
   * drops keys left with no timers (their windows are all garbage-collected) and the cleared state
   * of those that stay, and returns the output watermark: the input watermark held back by the
   * earliest hold of any key.
   */
  static Instant forEachKey(
      KeyedStateStore<KeyState> store,
      Collection<KeyBytes> alsoVisit,
      Instant inputWatermark,
      Instant processingTime,
      KeyWork work)
      throws Exception {
    // A key visited twice (due, and in alsoVisit) finds nothing more to do the second time.
    visit(store, store.due(inputWatermark, processingTime), work);
    visit(store, alsoVisit, work);
    return store.earliestHold().filter(h -> h.isBefore(inputWatermark)).orElse(inputWatermark);
  }

  /**
   * Runs {@code work} for each of {@code keys} that has state, then drops the key if it has no
   * timers left, or else the state it cleared.
   */
  static void visit(KeyedStateStore<KeyState> store, Iterable<KeyBytes> keys, KeyWork work)
      throws Exception {
    for (KeyBytes key : keys) {
      KeyState state = store.get(key);
      if (state == null) {
        continue;
      }
      work.run(key, state);
      if (state.timers().hasPendingTimers()) {
        state.state().forgetCleared();
      } else {
        store.remove(key);
      }
    }
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
