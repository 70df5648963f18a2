package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.StateCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * A stage: element-wise steps fused together, run as one task per partition of its main input.
 *
 * <p>A batch runs in two parallel phases. First every task consumes its partition; only then is the
 * main input's watermark known (a lazy source learns it by reading), and every task advances its
 * watermark, fires its timers and finishes its bundle. The stage's output watermark is the minimum
 * over its tasks.
 *
 * <p>The result has one partition per task; each holds a single {@link TaskOutput} with the task's
 * elements per stage output. {@link StageOutputDStream} selects one output.
 */
public final class FusedStageDStream extends DStream<FusedStageDStream.TaskOutput> {

  /**
   * System counter of the elements each stage consumed, in the name form Beam uses for system
   * metrics. Counted per task and added once, so it costs nothing per element.
   */
  public static final MetricName ELEMENTS_IN =
      MetricName.named("microbatch.system", "beam:metric:element_count:v1");

  /** What one task emitted, by stage output index. */
  public record TaskOutput(List<List<Object>> byOutput) {}

  private final DStream<?> mainInput;
  private final List<DStream<?>> sideInputs;
  private final StageFunction function;
  private volatile boolean pendingWork;

  public FusedStageDStream(
      String name, DStream<?> mainInput, List<DStream<?>> sideInputs, StageFunction function) {
    super(name, concat(mainInput, sideInputs));
    this.mainInput = mainInput;
    this.sideInputs = List.copyOf(sideInputs);
    this.function = function;
  }

  @Override
  protected String kind() {
    return "stage";
  }

  private static List<DStream<?>> concat(DStream<?> main, List<DStream<?>> sides) {
    List<DStream<?>> all = new ArrayList<>();
    all.add(main);
    all.addAll(sides);
    return all;
  }

  @Override
  public boolean isQuiescent() {
    return !pendingWork && super.isQuiescent();
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
    Instant lastInputWatermark = mainInput.lastOutputWatermark();
    int n = input.numPartitions();
    List<Task> tasks = new ArrayList<>(n);
    for (int p = 0; p < n; p++) {
      tasks.add(new Task(batch, p, sides, lastInputWatermark));
    }
    try {
      List<Callable<Void>> consume = new ArrayList<>(n);
      for (int p = 0; p < n; p++) {
        Task task = tasks.get(p);
        Partition<?> partition = input.partitions().get(p);
        consume.add(() -> task.consume(partition));
      }
      batch.executor().runAll(consume);

      Instant inputWatermark = input.outputWatermark();
      List<Callable<Instant>> complete = new ArrayList<>(n);
      for (Task task : tasks) {
        complete.add(() -> task.complete(inputWatermark));
      }
      List<Instant> taskWatermarks = batch.executor().runAll(complete);

      Instant outputWatermark = n == 0 ? inputWatermark : BoundedWindow.TIMESTAMP_MAX_VALUE;
      boolean pending = false;
      List<Partition<TaskOutput>> partitions = new ArrayList<>(n);
      for (int p = 0; p < n; p++) {
        Instant wm = taskWatermarks.get(p);
        if (wm.isBefore(outputWatermark)) {
          outputWatermark = wm;
        }
        pending |= tasks.get(p).stageTask.hasPendingWork();
        partitions.add(new ListPartition<>(List.of(new TaskOutput(tasks.get(p).outputs))));
      }
      this.pendingWork = pending;
      return BatchResult.of(partitions, outputWatermark);
    } finally {
      closeAll(tasks, batch);
    }
  }

  private static void closeAll(List<Task> tasks, BatchContext batch) throws Exception {
    Exception failure = null;
    for (Task task : tasks) {
      try {
        task.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      } finally {
        batch.addTaskMetrics(task.metrics);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** One partition's task across both phases; it keeps the task's context and outputs. */
  private final class Task implements TaskContext {
    private final BatchContext batch;
    private final int partition;
    private final List<SideInput> sides;
    private final Instant lastInputWatermark;
    private final List<List<Object>> outputs;
    private final MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    private StageTask stageTask;

    Task(BatchContext batch, int partition, List<SideInput> sides, Instant lastInputWatermark) {
      this.batch = batch;
      this.partition = partition;
      this.sides = sides;
      this.lastInputWatermark = lastInputWatermark;
      this.outputs = new ArrayList<>(function.numOutputs());
      for (int i = 0; i < function.numOutputs(); i++) {
        outputs.add(new ArrayList<>());
      }
    }

    Void consume(Partition<?> input) throws Exception {
      stageTask = function.createTask(this);
      stageTask.start();
      StageTask target = stageTask;
      long[] count = new long[1];
      input.forEach(
          element -> {
            count[0]++;
            target.process(element);
          });
      metrics.getContainer(name()).getCounter(ELEMENTS_IN).inc(count[0]);
      return null;
    }

    Instant complete(Instant inputWatermark) throws Exception {
      Instant out = stageTask.advanceWatermark(inputWatermark);
      stageTask.finish();
      return out;
    }

    void close() throws Exception {
      if (stageTask != null) {
        stageTask.close();
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
    public void emit(int output, Object element) {
      outputs.get(output).add(element);
    }

    @Override
    public <A> A batchAttribute(Class<A> type, java.util.function.Supplier<A> create) {
      return batch.attribute(type, create);
    }

    @Override
    public void commitTransaction(
        BatchContext.CommitAction commit, BatchContext.CommitAction abort) {
      batch.commitTransaction(commit, abort);
    }

    @Override
    public void afterCommit(BatchContext.CommitAction action) {
      batch.afterCommit(action);
    }
  }
}
