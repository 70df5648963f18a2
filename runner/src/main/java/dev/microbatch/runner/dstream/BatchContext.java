package dev.microbatch.runner.dstream;

import dev.microbatch.runner.executor.TaskExecutor;
import dev.microbatch.runner.metrics.MetricsAccumulator;
import dev.microbatch.runner.scheduler.BatchDetails;
import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StateStores;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * Everything one batch needs while it runs: its time, the executor, the keyed state stores, the
 * metrics, the memoized results of the DStreams computed so far, and the actions to run once the
 * batch has committed.
 */
public final class BatchContext implements SinkTransactions {

  private final BatchTime time;
  private final int attempt;
  private final boolean draining;
  private final TaskExecutor executor;
  private final StateStores stateStores;
  private final MetricsAccumulator metrics;
  private final MetricsAccumulator.BatchMetrics batchMetrics;
  private final StreamProgress progress;
  private final Map<DStream<?>, Integer> consumerCounts;
  private final Function<FusedStageDStream, EncodedOutputs> encodedOutputs;
  private final Map<DStream<?>, BatchResult<?>> results = new IdentityHashMap<>();
  private final Map<String, AtomicLong> recordsIn = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<SinkTransaction> transactions = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<BatchDetails.TransactionInfo> transactionOutcomes =
      new ConcurrentLinkedQueue<>();
  private final InstancePool instances;
  private final ConcurrentLinkedQueue<CommitAction> onCommit = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<CommitAction> afterCommit = new ConcurrentLinkedQueue<>();
  private final Map<Class<?>, Object> attributes = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<BatchDetails.SliceInfo> slices =
      new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<BatchDetails.StageInfo> stages =
      new ConcurrentLinkedQueue<>();
  private volatile Optional<BatchDetails.CheckpointInfo> checkpoint =
      Optional.empty();

  /** An action that runs once the batch has committed. */
  @FunctionalInterface
  public interface CommitAction {
    void run() throws Exception;
  }

  public BatchContext(
      BatchTime time,
      int attempt,
      boolean draining,
      TaskExecutor executor,
      StateStores stateStores,
      MetricsAccumulator metrics,
      StreamProgress progress,
      Map<DStream<?>, Integer> consumerCounts,
      Function<FusedStageDStream, EncodedOutputs> encodedOutputs,
      InstancePool instances) {
    this.time = time;
    this.instances = instances;
    this.attempt = attempt;
    this.draining = draining;
    this.executor = executor;
    this.stateStores = stateStores;
    this.metrics = metrics;
    this.batchMetrics = metrics.newBatch();
    this.progress = progress;
    this.consumerCounts = consumerCounts;
    this.encodedOutputs = encodedOutputs;
  }

  /**
   * The outputs of {@code stage} its tasks hold encoded ({@link DStreamGraph#encodedOutputsOf});
   * none unless the backend lets stage tasks do so.
   */
  public EncodedOutputs encodedOutputsOf(FusedStageDStream stage) {
    return encodedOutputs.apply(stage);
  }

  /**
   * A batch outside any run, with fresh stores, metrics and progress, for computing streams by hand
   * (specifications of single streams).
   */
  public static BatchContext standalone(BatchTime time, TaskExecutor executor) {
    return new BatchContext(
        time,
        1,
        false,
        executor,
        StateStores.uncheckpointed(),
        new MetricsAccumulator(),
        new StreamProgress(),
        Map.of(),
        stage -> EncodedOutputs.NONE,
        InstancePool.discarding());
  }

  /** The run's set-up user-function instances, which tasks reuse across batches. */
  public InstancePool instances() {
    return instances;
  }

  public BatchTime time() {
    return time;
  }

  /** Which attempt of the batch this is: 1, then one more per retry over the same slice. */
  public int attempt() {
    return attempt;
  }

  /**
   * Processing time as seen by timers and triggers in this batch: the batch time, or the end of
   * time once every input is exhausted, so that pending processing-time timers fire on drain.
   */
  public Instant processingTime() {
    return draining ? BoundedWindow.TIMESTAMP_MAX_VALUE : time.toInstant();
  }

  public boolean draining() {
    return draining;
  }

  public TaskExecutor executor() {
    return executor;
  }

  public StateStores stateStores() {
    return stateStores;
  }

  /** Adds one finished task's metric updates (attempted now, committed with the batch). */
  public void addTaskMetrics(MetricsContainerStepMap taskMetrics) {
    metrics.addTaskMetrics(batchMetrics, taskMetrics);
  }

  void commitMetrics() {
    metrics.commit(batchMetrics);
  }

  /**
   * The result of {@code stream} for this batch, computing it (and its dependencies) on first use.
   * A lazy result read by several consumers is materialized once so that it is not re-read.
   */
  @SuppressWarnings("unchecked")
  public synchronized <T> BatchResult<T> resultOf(DStream<T> stream) throws Exception {
    BatchResult<T> result = (BatchResult<T>) results.get(stream);
    if (result == null) {
      if (stream instanceof InputDStream<T> input) {
        result = input.slice(this);
        input.checkPartitionCount(result);
      } else {
        result = stream.compute(this);
      }
      if (consumerCounts.getOrDefault(stream, 0) > 1) {
        result = Materialize.inParallel(result, executor);
      }
      results.put(stream, result);
    }
    return result;
  }

  /**
   * Records {@code result} as {@code stream}'s result for this batch, computed by a cluster backend
   * rather than by the stream itself; consumers on this JVM then read it like any other.
   */
  public synchronized <T> void computedElsewhere(DStream<T> stream, BatchResult<T> result) {
    if (results.putIfAbsent(stream, result) != null) {
      throw new IllegalStateException(stream + " was already computed in batch " + time);
    }
  }

  /** Counts records read from an input in this batch (reported in batch events). */
  public void addRecordsIn(String input, long count) {
    synchronized (recordsIn) {
      recordsIn.computeIfAbsent(input, k -> new AtomicLong()).addAndGet(count);
    }
  }

  public Map<String, Long> recordsIn() {
    Map<String, Long> snapshot = new LinkedHashMap<>();
    synchronized (recordsIn) {
      recordsIn.forEach((k, v) -> snapshot.put(k, v.get()));
    }
    return snapshot;
  }

  /** Records an input's slice of this batch, for batch events and the UI. */
  public void addSlices(List<BatchDetails.SliceInfo> inputSlices) {
    slices.addAll(inputSlices);
  }

  /** Records the checkpoint this batch wrote as it committed, for batch events and the UI. */
  public void recordCheckpoint(BatchDetails.CheckpointInfo written) {
    checkpoint = Optional.of(written);
  }

  /** Records what a stage's tasks did in this batch, for batch events and the UI. */
  public void addStage(BatchDetails.StageInfo stage) {
    stages.add(stage);
  }

  /**
   * What this attempt did: its slices and stages, each computed stream's watermark (read only once
   * the streams are computed), and the failure that ended it, if any.
   */
  public BatchDetails details(Optional<Throwable> failure) {
    Map<String, Instant> watermarks = new LinkedHashMap<>();
    if (failure.isEmpty()) {
      results.forEach((stream, result) -> watermarks.put(stream.id(), result.outputWatermark()));
    }
    return new BatchDetails(
        attempt,
        List.copyOf(slices),
        List.copyOf(stages),
        watermarks,
        failure.map(BatchContext::stackTrace),
        checkpoint,
        List.copyOf(transactionOutcomes));
  }

  private static String stackTrace(Throwable error) {
    java.io.StringWriter text = new java.io.StringWriter();
    error.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }

  /**
   * Runs {@code action} when the batch commits: an input moves past what the batch read, so that
   * the next batch reads on from there.
   */
  public void onCommit(CommitAction action) {
    onCommit.add(action);
  }

  /**
   * Runs {@code action} once the batch is committed and durable (source finalization, bundle
   * finalizers): at its commit, or when checkpoints are written every few batches, once the
   * checkpoint that covers it is written (a crash before then replays the batch, and its source
   * must still hold what it read).
   */
  public void afterCommit(CommitAction action) {
    afterCommit.add(action);
  }

  @Override
  public void commitTransaction(SinkTransaction transaction) {
    transactions.add(transaction);
  }

  @Override
  public void transactionAlreadyCommitted(String sink, String target) {
    transactionOutcomes.add(
        new BatchDetails.TransactionInfo(
            sink, target, 0, BatchDetails.TransactionOutcome.ALREADY_COMMITTED, 0));
  }

  /**
   * A value shared by the DStreams of this batch (for example the offsets a Kafka input consumed,
   * which a transactional sink commits), created on first use.
   */
  @SuppressWarnings("unchecked")
  public <A> A attribute(Class<A> type, java.util.function.Supplier<A> create) {
    return (A) attributes.computeIfAbsent(type, t -> create.get());
  }

  /** Commits the sinks' transactions, in the order they were begun; the first failure ends it. */
  void commitTransactions() throws Exception {
    for (SinkTransaction transaction = transactions.poll();
        transaction != null;
        transaction = transactions.poll()) {
      long start = System.nanoTime();
      try {
        transaction.commit();
      } catch (Exception | Error e) {
        // Not committed: the abort that follows the failure ends it.
        transactions.add(transaction);
        throw e;
      }
      transactionOutcomes.add(
          new BatchDetails.TransactionInfo(
              transaction.sink(),
              transaction.target(),
              transaction.records(),
              BatchDetails.TransactionOutcome.COMMITTED,
              (System.nanoTime() - start) / 1_000_000));
    }
  }

  /** Runs every sink's abort, keeping the first failure but trying them all. */
  void abort() {
    for (SinkTransaction transaction = transactions.poll();
        transaction != null;
        transaction = transactions.poll()) {
      transactionOutcomes.add(
          new BatchDetails.TransactionInfo(
              transaction.sink(),
              transaction.target(),
              transaction.records(),
              BatchDetails.TransactionOutcome.ABORTED,
              0));
      try {
        transaction.abort();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(BatchContext.class)
            .warn("Aborting a transaction of failed batch {} failed", time, e);
      }
    }
  }

  List<CommitAction> commitActions() {
    return new ArrayList<>(onCommit);
  }

  List<CommitAction> finalizations() {
    return new ArrayList<>(afterCommit);
  }

  /** The stream's output watermark after the last committed batch. */
  public Instant lastOutputWatermark(DStream<?> stream) {
    return progress.lastOutputWatermark(stream);
  }

  /** The run's progress of every stream, as of the last committed batch. */
  public StreamProgress progress() {
    return progress;
  }

  /** Records how far each computed stream got; called when the batch commits. */
  void recordProgress() {
    progress.record(time, results);
  }

  Iterable<DStream<?>> computedStreams() {
    return results.keySet();
  }
}
