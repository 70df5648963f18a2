package dev.microbatch.translation.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * One key's timers, which also knows the output timestamps of the timers still pending: a pending
 * timer holds the step's output watermark at its output timestamp.
 */
final class KeyTimerInternals extends InMemoryTimerInternals {

  private record TimerKey(StateNamespace namespace, String timerId, String familyId) {
    static TimerKey of(TimerData timer) {
      return new TimerKey(timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
    }
  }

  private final Map<TimerKey, TimerData> pending = new HashMap<>();

  @Override
  @SuppressWarnings("deprecation")
  public void setTimer(TimerData timer) {
    super.setTimer(timer);
    pending.put(TimerKey.of(timer), timer);
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
    super.deleteTimer(namespace, timerId, timerFamilyId, timeDomain);
    pending.remove(new TimerKey(namespace, timerId, timerFamilyId));
  }

  @Override
  @SuppressWarnings("deprecation")
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    super.deleteTimer(namespace, timerId, timerFamilyId);
    pending.remove(new TimerKey(namespace, timerId, timerFamilyId));
  }

  @Override
  public @Nullable TimerData removeNextEventTimer() {
    return fired(super.removeNextEventTimer());
  }

  @Override
  public @Nullable TimerData removeNextProcessingTimer() {
    TimerData timer = super.removeNextProcessingTimer();
    return fired(timer != null ? timer : dueAtEndOfTime(TimeDomain.PROCESSING_TIME));
  }

  @Override
  public @Nullable TimerData removeNextSynchronizedProcessingTimer() {
    TimerData timer = super.removeNextSynchronizedProcessingTimer();
    return fired(timer != null ? timer : dueAtEndOfTime(TimeDomain.SYNCHRONIZED_PROCESSING_TIME));
  }

  /**
   * A timer is due once time is past it, so a timer set for "now" while processing time stands at
   * the end of time (a draining pipeline) would never fire; it fires now instead.
   */
  private @Nullable TimerData dueAtEndOfTime(TimeDomain domain) {
    Instant now =
        domain == TimeDomain.PROCESSING_TIME
            ? currentProcessingTime()
            : currentSynchronizedProcessingTime();
    if (now == null || now.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      return null;
    }
    for (TimerData timer : pending.values()) {
      if (timer.getDomain() == domain
          && !timer.getTimestamp().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
        deleteTimer(
            timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId(), timer.getDomain());
        return timer;
      }
    }
    return null;
  }

  private @Nullable TimerData fired(@Nullable TimerData timer) {
    if (timer != null) {
      pending.remove(TimerKey.of(timer));
    }
    return timer;
  }

  /** The timers set and neither fired nor deleted. */
  java.util.Collection<TimerData> pendingTimers() {
    return java.util.List.copyOf(pending.values());
  }

  /** The earliest time among the pending timers that {@code which} selects. */
  Optional<Instant> earliestTimestamp(Predicate<TimerData> which) {
    Instant earliest = null;
    for (TimerData timer : pending.values()) {
      if (which.test(timer) && (earliest == null || timer.getTimestamp().isBefore(earliest))) {
        earliest = timer.getTimestamp();
      }
    }
    return Optional.ofNullable(earliest);
  }

  /** The earliest output timestamp among the pending timers that {@code holds} selects. */
  Optional<Instant> earliestOutputTimestamp(Predicate<TimerData> holds) {
    Instant earliest = null;
    for (TimerData timer : pending.values()) {
      if (holds.test(timer)
          && (earliest == null || timer.getOutputTimestamp().isBefore(earliest))) {
        earliest = timer.getOutputTimestamp();
      }
    }
    return Optional.ofNullable(earliest);
  }
}
