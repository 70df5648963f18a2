package dev.microbatch.runner.scheduler;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.PipelineRun;
import dev.microbatch.runner.metrics.MetricsAccumulator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a run's batches run: one after another, in batch order, on its own thread, at the
 * times its {@link JobGenerator} gives; and publishes batch events. It stops when the run is
 * finished, when a batch fails, or when asked to; then it closes the run.
 */
public final class JobScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

  /** Where a run stands. */
  public enum Status {
    RUNNING,
    DONE,
    FAILED,
    CANCELLED
  }

  private final PipelineRun run;
  private final JobGenerator generator;
  private final List<StreamingListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Status>> onTermination =
      new CopyOnWriteArrayList<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final boolean logBatches;
  private final java.util.Deque<BatchTime> replayFirst = new java.util.ArrayDeque<>();
  private volatile Status status = Status.RUNNING;
  private volatile Throwable failure;
  private volatile boolean stopRequested;
  private Thread thread;
  private boolean running;

  public JobScheduler(PipelineRun run, JobGenerator generator, boolean logBatches) {
    this.run = run;
    this.generator = generator;
    this.logBatches = logBatches;
  }

  /**
   * A resumed run: batch times continue after {@code lastCommitted}, and {@code pending}, the
   * batches that had fixed their slices after it when the last run stopped, are re-run first, in
   * order, each at its own time.
   */
  public void resume(Optional<BatchTime> lastCommitted, List<BatchTime> pending) {
    lastCommitted.ifPresent(generator::resumeAfter);
    pending.forEach(generator::resumeAfter);
    replayFirst.clear();
    replayFirst.addAll(pending);
  }

  /**
   * Runs {@code action} with the final status once the run has ended and been closed, before
   * {@link #awaitTermination} returns (the status endpoint and event log close there).
   */
  public void onTermination(Consumer<Status> action) {
    onTermination.add(action);
  }

  public void addListener(StreamingListener listener) {
    listeners.add(listener);
  }

  public synchronized void start(String jobName) {
    thread = new Thread(this::runLoop, "microbatch-job-scheduler-" + jobName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks the scheduler to stop after the batch in flight; that batch commits or nothing does. */
  public synchronized void stop() {
    stopRequested = true;
    // Wake a thread waiting for the next batch boundary; a running batch is not interrupted.
    if (thread != null && !running) {
      thread.interrupt();
    }
  }

  /**
   * A graceful stop: inputs stop reading, and batches go on until what was read has been processed
   * and every window has fired its final pane; then the run is DONE.
   */
  public void drain() {
    run.graph().stopInputs();
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  public Status status() {
    return status;
  }

  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public MetricsAccumulator metrics() {
    return run.metrics();
  }

  private void runLoop() {
    try {
      while (!stopRequested && !run.isFinished()) {
        BatchTime time;
        if (!replayFirst.isEmpty()) {
          time = replayFirst.poll();
        } else {
          try {
            time = generator.nextBatch();
          } catch (InterruptedException e) {
            break;
          }
        }
        synchronized (this) {
          if (stopRequested) {
            break;
          }
          running = true;
        }
        try {
          runOneBatch(time);
        } finally {
          synchronized (this) {
            running = false;
          }
        }
      }
      status = stopRequested && !run.isFinished() ? Status.CANCELLED : Status.DONE;
    } catch (Throwable t) {
      failure = t;
      status = Status.FAILED;
      LOG.error("Batch failed; the pipeline stops", t);
    } finally {
      run.close();
      for (Consumer<Status> action : onTermination) {
        try {
          action.accept(status);
        } catch (RuntimeException e) {
          LOG.warn("An action at the end of the run failed", e);
        }
      }
      terminated.countDown();
    }
  }

  private void runOneBatch(BatchTime time) throws Exception {
    long submitted = generator.clock().nowMillis();
    BatchInfo info =
        new BatchInfo(
            time, submitted, Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
    listeners.forEach(l -> l.onBatchSubmitted(info));
    long started = generator.clock().nowMillis();
    BatchInfo startedInfo =
        new BatchInfo(
            time, submitted, Optional.of(started), Optional.empty(), Map.of(), Optional.empty());
    listeners.forEach(l -> l.onBatchStarted(startedInfo));
    boolean draining = run.graph().inputsExhausted();
    BatchContext batch =
        run.runBatch(
            time,
            draining,
            () -> stopRequested,
            (attempt, error, retrying) -> {
              BatchInfo failed =
                  ended(attempt, submitted, started, Optional.of(error), Optional.empty());
              listeners.forEach(
                  l -> {
                    if (retrying) {
                      l.onBatchRetried(failed, error);
                    } else {
                      l.onBatchFailed(failed, error);
                    }
                  });
            });
    BatchInfo done =
        ended(
            batch, submitted, started, Optional.empty(), Optional.of(run.lowestOutputWatermark()));
    if (logBatches) {
      LOG.info(
          "Batch {}: {} records in, processing {} ms, scheduling delay {} ms, watermark {}{}",
          time,
          done.totalRecordsIn(),
          done.processingTimeMillis().orElse(0L),
          done.schedulingDelayMillis().orElse(0L),
          done.outputWatermark().map(WatermarkText::of).orElse("?"),
          batch.attempt() > 1 ? " (attempt " + batch.attempt() + ")" : "");
    }
    generator.batchCompleted(done.totalRecordsIn(), run.graph().inputsExhausted());
    listeners.forEach(l -> l.onBatchCompleted(done));
  }

  /** A batch attempt that has ended, well or in a failure, as listeners see it. */
  private BatchInfo ended(
      BatchContext attempt,
      long submitted,
      long started,
      Optional<Throwable> failure,
      Optional<Instant> outputWatermark) {
    return new BatchInfo(
        attempt.time(),
        submitted,
        Optional.of(started),
        Optional.of(generator.clock().nowMillis()),
        attempt.recordsIn(),
        outputWatermark,
        attempt.details(failure));
  }
}
