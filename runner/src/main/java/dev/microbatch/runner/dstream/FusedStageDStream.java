package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.BatchDetails;
import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.StateCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * A stage: element-wise steps fused together, run as one task per partition of its main input.
 *
 * <p>A task consumes its partition, then advances the stage's watermark to its partition's input
 * watermark (firing timers), finishes its bundle and closes, all in one go, so that a task needs
 * nothing from the stage's other tasks and a failed task can simply run again. A partition's
 * watermark is known once it has been read (see {@link BatchResult}): for a lazy input it is that
 * partition's own, which is exact for the stage's output watermark, the minimum over its tasks,
 * because timers only fire in keyed stages, and those read a shuffle, where every partition carries
 * the watermark of all map tasks.
 *
 * <p>The result has one partition per task; each holds a single {@link TaskOutput} with the task's
 * elements per stage output. {@link StageOutputDStream} selects one output.
 */
public final class FusedStageDStream extends DStream<FusedStageDStream.TaskOutput> {

  /**
   * What one task emitted, by stage output index: as lists, or written as blocks ({@link
   * EncodedOutputs}).
   */
  public record TaskOutput(List<List<Object>> byOutput, Map<Integer, Partition<Object>> written) {}

  /** What a finished task reports: its elements and the rest of its outcome. */
  private record TaskResult(TaskOutput output, StageTaskRun.Outcome outcome) {}

  private final DStream<?> mainInput;
  private final List<DStream<?>> sideInputs;
  private final StageFunction function;

  /**
   * Where a stage's tasks may run. A stage that commits a transaction with the batch (the
   * exactly-once Kafka sink) runs where the batch commits: a transaction belongs to the producer
   * that began it, and the driver commits the batch.
   */
  public enum Placement {
    ANYWHERE,
    DRIVER
  }

  private final Placement placement;

  public FusedStageDStream(
      String name, DStream<?> mainInput, List<DStream<?>> sideInputs, StageFunction function) {
    this(name, mainInput, sideInputs, function, Placement.ANYWHERE);
  }

  public FusedStageDStream(
      String name,
      DStream<?> mainInput,
      List<DStream<?>> sideInputs,
      StageFunction function,
      Placement placement) {
    super(name, concat(mainInput, sideInputs));
    this.mainInput = mainInput;
    this.sideInputs = List.copyOf(sideInputs);
    this.function = function;
    this.placement = placement;
  }

  public Placement placement() {
    return placement;
  }

  @Override
  protected String kind() {
    return "stage";
  }

  /** The stream whose partitions the stage's tasks consume, one task per partition. */
  public DStream<?> mainInput() {
    return mainInput;
  }

  /** The side-input streams, in the order the stage's tasks see them. */
  public List<DStream<?>> sideInputs() {
    return sideInputs;
  }

  /** What the stage's tasks run (serializable: a cluster backend ships it to its executors). */
  public StageFunction function() {
    return function;
  }

  private static List<DStream<?>> concat(DStream<?> main, List<DStream<?>> sides) {
    List<DStream<?>> all = new ArrayList<>();
    all.add(main);
    all.addAll(sides);
    return all;
  }

  @Override
  protected BatchResult<TaskOutput> compute(BatchContext batch) throws Exception {
    List<SideInput> sides = new ArrayList<>(sideInputs.size());
    for (DStream<?> side : sideInputs) {
      BatchResult<?> result = batch.resultOf(side);
      @SuppressWarnings("unchecked")
      List<Object> elements = (List<Object>) result.collect();
      sides.add(new SideInput(elements, result.outputWatermark()));
    }
    BatchResult<?> input = batch.resultOf(mainInput);
    Instant lastInputWatermark = batch.lastOutputWatermark(mainInput);
    int n = input.numPartitions();
    List<Callable<TaskResult>> tasks = new ArrayList<>(n);
    for (int p = 0; p < n; p++) {
      Task task = new Task(batch, p, sides, lastInputWatermark, keyGroupedWatermark(input, p));
      int partition = p;
      tasks.add(() -> task.run(input, partition));
    }
    List<TaskResult> results = batch.executor().runAll(tasks);

    Instant outputWatermark = n == 0 ? input.outputWatermark() : BoundedWindow.TIMESTAMP_MAX_VALUE;
    boolean pending = false;
    long recordsIn = 0;
    long taskMillis = 0;
    long slowestTask = 0;
    List<Partition<TaskOutput>> partitions = new ArrayList<>(n);
    for (TaskResult result : results) {
      StageTaskRun.Outcome outcome = result.outcome();
      if (outcome.outputWatermark().isBefore(outputWatermark)) {
        outputWatermark = outcome.outputWatermark();
      }
      pending |= outcome.pendingWork();
      recordsIn += outcome.recordsIn();
      taskMillis += outcome.millis();
      slowestTask = Math.max(slowestTask, outcome.millis());
      partitions.add(new ListPartition<>(List.of(result.output())));
    }
    batch.addStage(
        new BatchDetails.StageInfo(id(), n, recordsIn, taskMillis, slowestTask, outputWatermark));
    return BatchResult.of(partitions, outputWatermark).withPendingWork(pending);
  }

  private static Optional<Instant> keyGroupedWatermark(BatchResult<?> input, int partition) {
    return input.partitions().get(partition) instanceof KeyGroupedPartition<?> grouped
        ? Optional.of(grouped.watermark())
        : Optional.empty();
  }

  /** One partition's task: its context for the stage's steps, and its outputs. */
  private final class Task implements TaskContext {
    private final BatchContext batch;
    private final int partition;
    private final List<SideInput> sides;
    private final Instant lastInputWatermark;
    private final Optional<Instant> keyGroupedInputWatermark;
    private final StageTaskRun.Outputs outputs;
    private final MetricsContainerStepMap metrics = new MetricsContainerStepMap();

    Task(
        BatchContext batch,
        int partition,
        List<SideInput> sides,
        Instant lastInputWatermark,
        Optional<Instant> keyGroupedInputWatermark) {
      this.batch = batch;
      this.partition = partition;
      this.sides = sides;
      this.lastInputWatermark = lastInputWatermark;
      this.keyGroupedInputWatermark = keyGroupedInputWatermark;
      this.outputs =
          new StageTaskRun.Outputs(
              name(), function.numOutputs(), batch.encodedOutputsOf(FusedStageDStream.this));
    }

    /**
     * Runs the stage over partition {@code index} of {@code input}; the task's metrics count as
     * attempted whether it succeeds or not.
     */
    TaskResult run(BatchResult<?> input, int index) throws Exception {
      try {
        StageTaskRun.Outcome outcome =
            StageTaskRun.run(
                name(), function, this, input.partitions().get(index), () -> input.watermarkOf(index));
        batch.stateStores().release(name(), partition);
        return new TaskResult(new TaskOutput(outputs.byOutput(), outputs.written()), outcome);
      } finally {
        batch.addTaskMetrics(metrics);
      }
    }

    @Override
    public BatchTime batchTime() {
      return batch.time();
    }

    @Override
    public Instant processingTime() {
      return batch.processingTime();
    }

    @Override
    public Instant lastInputWatermark() {
      return lastInputWatermark;
    }

    @Override
    public Optional<Instant> keyGroupedInputWatermark() {
      return keyGroupedInputWatermark;
    }

    @Override
    public <S> KeyedStateStore<S> stateStore(StateCodec<S> codec) {
      return batch.stateStores().store(name(), partition, codec);
    }

    @Override
    public <S> KeyedStateStore<S> stateStore(String storeName, StateCodec<S> codec) {
      return batch.stateStores().store(name() + "#" + storeName, partition, codec);
    }

    @Override
    public MetricsContainerStepMap metrics() {
      return metrics;
    }

    @Override
    public List<SideInput> sideInputs() {
      return sides;
    }

    @Override
    public void emit(int output, Object element) throws Exception {
      outputs.emit(output, element);
    }

    @Override
    public <A> A batchAttribute(Class<A> type, java.util.function.Supplier<A> create) {
      return batch.attribute(type, create);
    }

    @Override
    public InstancePool instances() {
      return batch.instances();
    }

    @Override
    public void commitTransaction(SinkTransaction transaction) {
      batch.commitTransaction(transaction);
    }

    @Override
    public void transactionAlreadyCommitted(String sink, String target) {
      batch.transactionAlreadyCommitted(sink, target);
    }

    @Override
    public void afterCommit(BatchContext.CommitAction action) {
      batch.afterCommit(action);
    }
  }
}
