package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.SideInput;
import dev.microbatch.runner.dstream.TaskContext;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * What a step sees of its task: the task context, and one receiver per output tag that fans out to
 * the fused consumers and, where the output leaves the stage, to the stage output.
 *
 * @param task the task running the stage
 * @param outputs receivers by output tag; a tag nobody consumes maps to {@link Receiver#DISCARD}
 * @param sideInputs this step's side inputs by view tag id
 * @param metricsRouter routes metric updates to the step whose code runs
 * @param readsTaskInput whether the step consumes the task's input itself (no step before it)
 */
public record StepEnvironment(
    TaskContext task,
    Map<TupleTag<?>, Receiver> outputs,
    Map<String, SideInput> sideInputs,
    MetricsRouter metricsRouter,
    boolean readsTaskInput) {

  /**
   * The watermark the task's input reaches in this batch, for a step that reads that input itself
   * when it comes grouped by key (see {@link TaskContext#keyGroupedInputWatermark()}).
   */
  Optional<Instant> keyGroupedInputWatermark() {
    return readsTaskInput ? task.keyGroupedInputWatermark() : Optional.empty();
  }

  /** What makes {@code stepName}'s metrics container current while its code runs. */
  MetricsScope metricsScope(String stepName) {
    return new MetricsScope(metricsRouter, task.metrics(), stepName);
  }

  public Receiver output(TupleTag<?> tag) {
    return outputs.getOrDefault(tag, Receiver.DISCARD);
  }
}
