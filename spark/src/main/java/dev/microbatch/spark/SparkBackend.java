package dev.microbatch.spark;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.StateBackendOptions;
import dev.microbatch.runner.dstream.Backend;
import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.FusedStageDStream;
import dev.microbatch.runner.dstream.StageFunction;
import dev.microbatch.spark.plan.BatchPlan;
import dev.microbatch.spark.plan.ClusterRun;
import dev.microbatch.spark.task.ExecutorStateStores;
import dev.microbatch.spark.task.TaskReports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each batch's stages as Spark jobs on a cluster's executors (see {@link BatchPlan}). It owns
 * the run's Spark context (unless {@code --reuseSparkContext} shares one across runs of this JVM),
 * the broadcast stage functions and, when the run keeps keyed state in a temporary directory, that
 * directory.
 */
public final class SparkBackend implements Backend {

  private static final Logger LOG = LoggerFactory.getLogger(SparkBackend.class);

  private final ClusterRun run;
  private final boolean stopContext;
  private final Optional<Path> temporaryState;

  private SparkBackend(ClusterRun run, boolean stopContext, Optional<Path> temporaryState) {
    this.run = run;
    this.stopContext = stopContext;
    this.temporaryState = temporaryState;
  }

  /** Connects to the cluster {@code --clusterMaster} names and broadcasts the graph's stages. */
  static SparkBackend start(MicroBatchPipelineOptions options, DStreamGraph graph) {
    SparkBackendOptions spark = options.as(SparkBackendOptions.class);
    SparkConf conf = new SparkConf().setAppName(options.getJobName());
    String master = options.getClusterMaster();
    if (!SparkBackendProvider.FROM_SPARK_SUBMIT.equals(master)) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      throw new IllegalArgumentException(
          "--clusterMaster=spark takes the master from spark-submit, but spark.master is not set;"
              + " launch with spark-submit --master ..., or name the master in --clusterMaster");
    }
    Optional<Path> temporaryState = Optional.empty();
    String stateDirectory;
    if (options.getCheckpointLocation() != null) {
      stateDirectory = Path.of(options.getCheckpointLocation(), "state").toString();
    } else {
      temporaryState = Optional.of(temporaryDirectory());
      stateDirectory = temporaryState.get().toString();
    }
    JavaSparkContext context =
        new JavaSparkContext(
            spark.getReuseSparkContext() ? SparkContext.getOrCreate(conf) : new SparkContext(conf));
    Map<String, StageFunction> functions = new HashMap<>();
    for (DStream<?> stream : graph.streamsById().values()) {
      if (stream instanceof FusedStageDStream stage && BatchPlan.runsOnCluster(stage)) {
        functions.put(stage.id(), stage.function());
      }
    }
    Broadcast<Map<String, StageFunction>> broadcast = context.broadcast(functions);
    TaskReports reports = new TaskReports();
    context.sc().register(reports, "microbatch task reports");
    String runId = UUID.randomUUID().toString();
    LOG.info(
        "Batches of {} run on Spark {} ({}), keyed state in {}",
        options.getJobName(),
        context.sc().master(),
        context.sc().applicationId(),
        stateDirectory);
    return new SparkBackend(
        new ClusterRun(
            context,
            broadcast,
            reports,
            runId,
            stateDirectory,
            options.getStateSnapshotEvery(),
            StateBackendOptions.of(options)),
        !spark.getReuseSparkContext(),
        temporaryState);
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("microbatch-state-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory for keyed state", e);
    }
  }

  @Override
  public void computeOutputs(BatchContext batch, DStreamGraph graph) throws Exception {
    new BatchPlan(run, batch, graph).run();
  }

  /** Each stage partition's versions, written by executors under the state directory. */
  @Override
  public String keyedStateLocation() {
    return "spark-executors";
  }

  /** Stages and shuffles run as Spark tasks and Spark shuffles, which keep their own blocks. */
  @Override
  public boolean stagesEncodeOutputs() {
    return false;
  }

  @Override
  public void close() {
    ExecutorStateStores.forgetRun(run.runId());
    try {
      run.functions().destroy();
    } catch (RuntimeException e) {
      LOG.warn("Releasing the broadcast stage functions failed", e);
    }
    if (stopContext) {
      run.spark().stop();
    }
    temporaryState.ifPresent(Directories::deleteQuietly);
  }
}
