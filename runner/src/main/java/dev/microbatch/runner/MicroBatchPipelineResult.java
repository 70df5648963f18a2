package dev.microbatch.runner;

import dev.microbatch.runner.scheduler.JobScheduler;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.util.UserCodeException;
import org.joda.time.Duration;

/** The handle of a running pipeline. */
public final class MicroBatchPipelineResult implements PipelineResult {

  private final JobScheduler scheduler;
  private final Optional<URI> ui;

  MicroBatchPipelineResult(JobScheduler scheduler, Optional<URI> ui) {
    this.scheduler = scheduler;
    this.ui = ui;
  }

  /**
   * Where the run's web UI, REST API ({@code /api/v1/applications}) and Prometheus metrics ({@code
   * /metrics}) are, while it runs; empty with {@code --uiPort=0}.
   */
  public Optional<URI> uiAddress() {
    return ui;
  }

  @Override
  public State getState() {
    return toState(scheduler.status());
  }

  private static State toState(JobScheduler.Status status) {
    return switch (status) {
      case RUNNING -> State.RUNNING;
      case DONE -> State.DONE;
      case FAILED -> State.FAILED;
      case CANCELLED -> State.CANCELLED;
    };
  }

  /** Stops after the batch in flight, which commits or leaves nothing behind. */
  @Override
  public State cancel() {
    scheduler.stop();
    return awaitEnd();
  }

  /**
   * Stops gracefully: sources stop reading, what was read is processed, windows fire their final
   * panes (watermarks go to the end of time), then the run ends as DONE. Returns the final state.
   */
  public State drain() {
    scheduler.drain();
    return awaitEnd();
  }

  private State awaitEnd() {
    try {
      scheduler.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return getState();
  }

  /**
   * Waits up to {@code duration}; a null or non-positive duration waits until the end. Returns the
   * state, RUNNING if time ran out. A failed pipeline throws {@link
   * Pipeline.PipelineExecutionException} whose cause is the user's exception.
   */
  @Override
  public State waitUntilFinish(Duration duration) {
    try {
      if (duration == null || duration.getMillis() < 1) {
        scheduler.awaitTermination();
      } else if (!scheduler.awaitTermination(duration.getMillis(), TimeUnit.MILLISECONDS)) {
        return State.RUNNING;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return getState();
    }
    rethrowFailure();
    return getState();
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  private void rethrowFailure() {
    scheduler
        .failure()
        .ifPresent(
            failure -> {
              Throwable cause = failure;
              while (cause instanceof UserCodeException && cause.getCause() != null) {
                cause = cause.getCause();
              }
              throw new Pipeline.PipelineExecutionException(cause);
            });
  }

  @Override
  public MetricResults metrics() {
    return scheduler.metrics().results();
  }

  /** Registers a listener for batch events of this run. */
  public void addStreamingListener(StreamingListener listener) {
    scheduler.addListener(listener);
  }
}
