package dev.microbatch.spark.plan;

import dev.microbatch.runner.dstream.StageFunction;
import dev.microbatch.runner.state.StateBackendSpec;
import dev.microbatch.spark.task.TaskReports;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * What every batch of one run on a Spark cluster shares: the Spark context, the stage functions
 * (broadcast once), the accumulator that brings task reports back, and where keyed state lives.
 *
 * @param runId tells this run's cached state apart on executors that outlive it
 * @param stateDirectory a directory every executor reaches, for the versions of keyed state
 * @param stateSnapshotEvery every how many versions of a partition's state are written whole
 * @param stateBackend where executors keep live keyed state between batches
 */
public record ClusterRun(
    JavaSparkContext spark,
    Broadcast<Map<String, StageFunction>> functions,
    TaskReports reports,
    String runId,
    String stateDirectory,
    int stateSnapshotEvery,
    StateBackendSpec stateBackend) {}
