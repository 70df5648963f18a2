package dev.microbatch.spark.task;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.InstancePool;
import dev.microbatch.runner.dstream.SideInput;
import dev.microbatch.runner.dstream.SinkTransaction;
import dev.microbatch.runner.dstream.StageTaskRun;
import dev.microbatch.runner.dstream.TaskContext;
import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.StateCodec;
import dev.microbatch.runner.state.StateStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.joda.time.Instant;

/** What a stage task sees on an executor: its batch, its partition's state, its side inputs. */
final class ClusterTaskContext implements TaskContext {

  private final StageTaskSpec spec;
  private final int partition;
  private final List<SideInput> sideInputs;
  private final StageTaskRun.Outputs outputs;
  private final MetricsContainerStepMap metrics = new MetricsContainerStepMap();
  private final Map<Class<?>, Object> attributes = new HashMap<>();
  private ExecutorStateStores.Opened state;

  ClusterTaskContext(
      StageTaskSpec spec, int partition, List<SideInput> sideInputs, int numOutputs) {
    this.spec = spec;
    this.partition = partition;
    this.sideInputs = sideInputs;
    this.outputs = new StageTaskRun.Outputs(numOutputs);
  }

  StageTaskRun.Outputs outputs() {
    return outputs;
  }

  /** Writes this batch's version of the partition's state, if the task opened it. */
  void commitState() throws IOException {
    if (state != null) {
      ExecutorStateStores.commit(spec.state(), spec.stage(), partition, state);
    }
  }

  /** Drops the state this task opened: it failed, and its changes must not be seen again. */
  void discardState() {
    if (state != null) {
      ExecutorStateStores.discard(state);
      state = null;
    }
  }

  private StateStores state() {
    if (state == null) {
      try {
        state = ExecutorStateStores.open(spec.state(), spec.stage(), partition);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read the keyed state of stage " + spec.stageName() + " partition " + partition,
            e);
      }
    }
    return state.stores();
  }

  @Override
  public BatchTime batchTime() {
    return new BatchTime(spec.batchTimeMillis());
  }

  @Override
  public Instant processingTime() {
    return new Instant(spec.processingTimeMillis());
  }

  @Override
  public Instant lastInputWatermark() {
    return new Instant(spec.lastInputWatermarkMillis());
  }

  /** A Spark shuffle's partitions come in no particular key order. */
  @Override
  public Optional<Instant> keyGroupedInputWatermark() {
    return Optional.empty();
  }

  @Override
  public <S> KeyedStateStore<S> stateStore(StateCodec<S> codec) {
    return state().store(spec.stageName(), partition, codec);
  }

  @Override
  public <S> KeyedStateStore<S> stateStore(String name, StateCodec<S> codec) {
    return state().store(spec.stageName() + "#" + name, partition, codec);
  }

  @Override
  public MetricsContainerStepMap metrics() {
    return metrics;
  }

  @Override
  public List<SideInput> sideInputs() {
    return sideInputs;
  }

  @Override
  public void emit(int output, Object element) throws Exception {
    outputs.emit(output, element);
  }

  /** Shared by the steps of this task only: an executor sees no other task's values. */
  @Override
  @SuppressWarnings("unchecked")
  public <A> A batchAttribute(Class<A> type, Supplier<A> create) {
    return (A) attributes.computeIfAbsent(type, t -> create.get());
  }

  @Override
  public void commitTransaction(SinkTransaction transaction) {
    throw notOnExecutors();
  }

  @Override
  public void transactionAlreadyCommitted(String sink, String target) {
    throw notOnExecutors();
  }

  private UnsupportedOperationException notOnExecutors() {
    return new UnsupportedOperationException(
        "Stage "
            + spec.stageName()
            + " writes with a transaction committed with the batch (the exactly-once Kafka sink);"
            + " the Spark backend cannot commit executors' transactions yet: run this pipeline"
            + " without --clusterMaster");
  }

  /**
   * Nothing outlives a task on an executor yet: an instance a task leaves is torn down with it (an
   * executor-wide pool per run would need the run's end to reach every executor).
   */
  @Override
  public InstancePool instances() {
    return InstancePool.discarding();
  }

  @Override
  public void afterCommit(BatchContext.CommitAction action) {
    throw new UnsupportedOperationException(
        "Stage "
            + spec.stageName()
            + " asks for a callback after the batch commits (bundle finalization); the Spark"
            + " backend does not run executors' callbacks yet: run this pipeline without"
            + " --clusterMaster");
  }
}
