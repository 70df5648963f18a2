package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.StateCodec;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.joda.time.Instant;

/** What the engine gives one task of a fused stage. */
public interface TaskContext extends SinkTransactions {

  BatchTime batchTime();

  /** Processing time for timers and triggers; see {@link BatchContext#processingTime()}. */
  Instant processingTime();

  /**
   * The stage's input watermark as of the last committed batch. This batch's elements are on time
   * or late against it; the watermark this batch reaches is only known once all are consumed.
   */
  Instant lastInputWatermark();

  /**
   * Present when this task's input comes grouped by key ({@link KeyGroupedPartition}: a key's
   * elements one after another, never coming back) and its watermark, the one this batch reaches,
   * is known before the input is read. A keyed step that reads the input may then finish each key
   * as its group ends instead of holding the partition's elements until the last one.
   */
  Optional<Instant> keyGroupedInputWatermark();

  /** The keyed state of this stage partition, kept across batches and checkpointed with codec. */
  <S> KeyedStateStore<S> stateStore(StateCodec<S> codec);

  /** A further state store of this stage partition, for one step's own bookkeeping. */
  <S> KeyedStateStore<S> stateStore(String name, StateCodec<S> codec);

  /** Metrics containers of this task, one per step name. */
  MetricsContainerStepMap metrics();

  /** The stage's side inputs for this batch, in the order the stage declared them. */
  List<SideInput> sideInputs();

  /** Emits an element to one of the stage's outputs. */
  void emit(int output, Object element) throws Exception;

  /** A value shared by the DStreams and tasks of this batch; see {@link BatchContext#attribute}. */
  <A> A batchAttribute(Class<A> type, java.util.function.Supplier<A> create);


  /** Set-up user-function instances this task may take and leave for later tasks. */
  InstancePool instances();

  /** Runs {@code action} after the batch has committed (bundle finalization). */
  void afterCommit(BatchContext.CommitAction action);
}
