package dev.microbatch.translation.runtime;

import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.state.TimeDomain;
import org.joda.time.Instant;

/**
 * Timer internals that forward to another, chosen per call: runners and cleaners hold one object
 * while the key being processed changes underneath.
 */
abstract class DelegatingTimerInternals implements TimerInternals {

  /** The timer internals to forward to now. */
  protected abstract TimerInternals delegate();

  /** Called before a timer is set, with its namespace. */
  protected void onSet(StateNamespace namespace) {}

  @Override
  public void setTimer(
      StateNamespace namespace,
      String timerId,
      String timerFamilyId,
      Instant target,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    onSet(namespace);
    delegate().setTimer(namespace, timerId, timerFamilyId, target, outputTimestamp, timeDomain);
  }

  @Override
  public void setTimer(TimerData timerData) {
    onSet(timerData.getNamespace());
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
