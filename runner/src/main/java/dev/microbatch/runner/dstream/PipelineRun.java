package dev.microbatch.runner.dstream;

import dev.microbatch.runner.executor.TaskExecutor;
import dev.microbatch.runner.metrics.MetricsAccumulator;
import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StateBackendSpec;
import dev.microbatch.runner.state.StateStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a graph. It owns everything the run uses and keeps: the executor its tasks run on, the
 * keyed state stores, the metrics, each stream's progress and the checkpointing hooks; and it runs
 * the graph's batches, re-running a failed one over its slice from the last committed state. When
 * batches run is the scheduler's business, not the run's.
 */
public final class PipelineRun implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);

  private final DStreamGraph graph;
  private final TaskExecutor executor;
  private final Backend backend;
  private final BatchHooks hooks;
  private final int maxBatchRetries;
  private final StateStores stateStores;
  private final MetricsAccumulator metrics = new MetricsAccumulator();
  private final StreamProgress progress = new StreamProgress();
  /** Set-up user-function instances that tasks leave for later ones; closed with the run. */
  private final InstancePool instances = InstancePool.keeping();
  /** Finalizations of committed batches that no checkpoint covers yet, oldest first. */
  private final List<BatchContext.CommitAction> awaitingCheckpoint = new ArrayList<>();

  /**
   * @param executor runs this JVM's tasks (all of them on the local backend; reading inputs on a
   *     cluster backend)
   * @param backend where the streams are computed
   * @param hooks checkpointing's part in each batch
   * @param maxBatchRetries how often a failed batch is re-run over its slice before the run fails
   * @param stateBackend where the keyed state of this JVM's tasks lives
   */
  public PipelineRun(
      DStreamGraph graph,
      TaskExecutor executor,
      Backend backend,
      BatchHooks hooks,
      int maxBatchRetries,
      StateBackendSpec stateBackend) {
    this.graph = graph;
    this.executor = executor;
    this.backend = backend;
    this.hooks = hooks;
    this.maxBatchRetries = maxBatchRetries;
    this.stateStores = new StateStores(stateBackend.open(), hooks != BatchHooks.NONE);
  }

  /** A local run without checkpoints, its state in heap: a failed batch fails the run. */
  public PipelineRun(DStreamGraph graph, TaskExecutor executor) {
    this(graph, executor, new LocalBackend(), BatchHooks.NONE, 0, StateBackendSpec.HEAP);
  }

  public DStreamGraph graph() {
    return graph;
  }

  /** The keyed state stores of this run (restored from a checkpoint before it starts). */
  public StateStores stateStores() {
    return stateStores;
  }

  public MetricsAccumulator metrics() {
    return metrics;
  }

  public StreamProgress progress() {
    return progress;
  }

  /** True when every input is exhausted and no stream holds work for a later batch. */
  public boolean isFinished() {
    return graph.inputsExhausted() && !progress.holdsPendingWork();
  }

  /** The lowest output watermark of the graph's outputs after the last committed batch. */
  public Instant lowestOutputWatermark() {
    Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (DStream<?> output : graph.outputs()) {
      Instant watermark = progress.lastOutputWatermark(output);
      if (watermark.isBefore(min)) {
        min = watermark;
      }
    }
    return min;
  }

  /** Told of every failed attempt of a batch, before it is retried or the run fails. */
  @FunctionalInterface
  public interface FailedAttempts {
    void failed(BatchContext attempt, Exception error, boolean retrying);
  }

  /**
   * Runs the batch at {@code time}; a failure re-runs it over the same slice from the last
   * checkpointed state (first re-running, over their slices, the batches committed since that
   * checkpoint), unless retries are used up, {@code stopRequested} says so, or nothing can be
   * restored.
   *
   * @return the attempt that committed
   */
  public BatchContext runBatch(
      BatchTime time, boolean draining, BooleanSupplier stopRequested, FailedAttempts failures)
      throws Exception {
    List<BatchTime> catchUp = List.of();
    for (int attempt = 1; ; attempt++) {
      BatchContext batch = newContext(time, attempt, draining);
      try {
        for (BatchTime committedBefore : catchUp) {
          LOG.info("Re-running batch {} over its slice before batch {}", committedBefore, time);
          batch = newContext(committedBefore, attempt, draining);
          runOnce(batch, true);
        }
        batch = newContext(time, attempt, draining);
        runOnce(batch, false);
        return batch;
      } catch (Exception e) {
        Optional<List<BatchTime>> again =
            attempt <= maxBatchRetries && !stopRequested.getAsBoolean()
                ? hooks.prepareRetry(time, this)
                : Optional.empty();
        boolean retrying = again.isPresent();
        failures.failed(batch, e, retrying);
        if (!retrying) {
          throw e;
        }
        // The batches re-run first make their own finalizations again.
        awaitingCheckpoint.clear();
        catchUp = again.get();
        LOG.warn(
            "Batch {} failed (attempt {} of {}); re-running it over the same slice",
            time,
            attempt,
            maxBatchRetries + 1,
            e);
      }
    }
  }

  private BatchContext newContext(BatchTime time, int attempt, boolean draining) {
    return new BatchContext(
        time,
        attempt,
        draining,
        executor,
        stateStores,
        metrics,
        progress,
        graph.consumerCounts(),
        backend.stagesEncodeOutputs() ? graph::encodedOutputsOf : stage -> EncodedOutputs.NONE,
        instances);
  }

  /**
   * One attempt: every input fixes its slice, every output stream is computed (which computes what
   * it depends on, stage by stage), then the batch commits. An attempt that fails has its sink
   * transactions aborted, and nothing of it is committed. A batch {@code replayed} after a failure
   * had committed before: its metrics count once.
   */
  private void runOnce(BatchContext batch, boolean replayed) throws Exception {
    try {
      for (InputDStream<?> input : graph.inputs()) {
        batch.resultOf(input);
      }
      hooks.slicesFixed(batch);
      backend.computeOutputs(batch, graph);
      hooks.slicesRead(batch);
      batch.commitTransactions();
    } catch (Exception | Error e) {
      batch.abort();
      throw e;
    }
    commit(batch, replayed);
  }

  /**
   * The rest of the batch boundary once its transactions committed: progress is recorded and
   * checkpointed, then metrics become visible, then sources and bundles are finalized, once a
   * checkpoint covers the batch (until then a crash replays it, and its sources must still hold
   * what it read).
   */
  private void commit(BatchContext batch, boolean replayed) throws Exception {
    batch.recordProgress();
    boolean durable = hooks.committed(batch, isFinished());
    if (!replayed) {
      batch.commitMetrics();
    }
    for (DStream<?> stream : batch.computedStreams()) {
      stream.onBatchCommitted(batch.time());
    }
    for (BatchContext.CommitAction action : batch.commitActions()) {
      action.run();
    }
    awaitingCheckpoint.addAll(batch.finalizations());
    if (durable) {
      List<BatchContext.CommitAction> actions = List.copyOf(awaitingCheckpoint);
      awaitingCheckpoint.clear();
      for (BatchContext.CommitAction action : actions) {
        action.run();
      }
    }
  }

  /**
   * Closes the graph's streams and resources, then the backend and the executor; called once when
   * the run ends.
   */
  @Override
  public void close() {
    graph.close();
    backend.close();
    executor.close();
    if (executor.isTerminated()) {
      instances.close();
      stateStores.close();
    } else {
      LOG.warn("Keyed state stores are left open: tasks of this run are still running");
    }
  }
}
