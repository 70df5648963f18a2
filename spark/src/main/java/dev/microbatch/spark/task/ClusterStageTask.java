package dev.microbatch.spark.task;

import dev.microbatch.runner.dstream.ListPartition;
import dev.microbatch.runner.dstream.StageFunction;
import dev.microbatch.runner.dstream.StageTaskRun;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;

/**
 * One stage task on an executor: the stage's function (broadcast once per run) over the single
 * chunk of its Spark partition, with the partition's state opened at the last committed version
 * and committed at this batch's; the task's report goes to the driver, its elements stay here.
 */
public final class ClusterStageTask {

  private ClusterStageTask() {}

  public static Iterator<StageResult> run(
      StageTaskSpec spec,
      Broadcast<Map<String, StageFunction>> functions,
      Broadcast<SideInputsPayload> sideInputs,
      TaskReports reports,
      int partition,
      Iterator<Chunk> input)
      throws Exception {
    Chunk chunk = Chunks.single(input, spec.stageName(), partition);
    StageFunction function = functions.value().get(spec.stage());
    if (function == null) {
      throw new IllegalStateException("No stage function was broadcast for " + spec.stage());
    }
    ClusterTaskContext context =
        new ClusterTaskContext(spec, partition, sideInputs.value().sideInputs(), function.numOutputs());
    StageTaskRun.Outcome outcome;
    try {
      outcome =
          StageTaskRun.run(
              spec.stageName(),
              function,
              context,
              new ListPartition<>(chunk.elements()),
              chunk::watermark);
      context.commitState();
    } catch (Exception | Error e) {
      context.discardState();
      throw e;
    }
    reports.add(
        new TaskReport(
            spec.stage(),
            partition,
            outcome.outputWatermark().getMillis(),
            outcome.pendingWork(),
            outcome.recordsIn(),
            outcome.millis(),
            context.metrics(),
            SparkEnv.get().executorId()));
    return List.of(new StageResult(context.outputs().byOutput(), outcome.outputWatermark()))
        .iterator();
  }
}
