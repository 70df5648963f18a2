package dev.microbatch.translation.runtime;

import java.util.function.Supplier;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.state.TimeDomain;
import org.joda.time.Instant;

/**
 * Timer internals that forward to another, chosen per call: runners and cleaners hold one object
 * while the key being processed changes underneath.
 */
final class DelegatingTimerInternals implements TimerInternals {

  private final Supplier<? extends TimerInternals> delegate;

  /** Forwards every call to what {@code delegate} returns at that moment (the current key's). */
  DelegatingTimerInternals(Supplier<? extends TimerInternals> delegate) {
    this.delegate = delegate;
  }

  private TimerInternals delegate() {
    return delegate.get();
  }

  @Override
  public void setTimer(
      StateNamespace namespace,
      String timerId,
      String timerFamilyId,
      Instant target,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    delegate().setTimer(namespace, timerId, timerFamilyId, target, outputTimestamp, timeDomain);
  }

  @Override
  public void setTimer(TimerData timerData) {
    delegate().setTimer(timerData);
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
    delegate().deleteTimer(namespace, timerId, timerFamilyId, timeDomain);
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    delegate().deleteTimer(namespace, timerId, timerFamilyId);
  }

  @Override
  public void deleteTimer(TimerData timerKey) {
    delegate().deleteTimer(timerKey);
  }

  @Override
  public Instant currentProcessingTime() {
    return delegate().currentProcessingTime();
  }

  @Override
  public Instant currentSynchronizedProcessingTime() {
    return delegate().currentSynchronizedProcessingTime();
  }

  @Override
  public Instant currentInputWatermarkTime() {
    return delegate().currentInputWatermarkTime();
  }

  @Override
  public Instant currentOutputWatermarkTime() {
    return delegate().currentOutputWatermarkTime();
  }
}
