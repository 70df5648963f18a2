package dev.microbatch.runner;

import dev.microbatch.runner.backend.Backends;
import dev.microbatch.runner.checkpoint.CheckpointStore;
import dev.microbatch.runner.checkpoint.GraphCheckpointer;
import dev.microbatch.runner.dstream.Backend;
import dev.microbatch.runner.dstream.BatchHooks;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.PipelineRun;
import dev.microbatch.runner.executor.LocalTaskExecutor;
import dev.microbatch.runner.scheduler.BatchClock;
import dev.microbatch.runner.scheduler.JobGenerator;
import dev.microbatch.runner.scheduler.JobScheduler;
import dev.microbatch.runner.status.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.beam.runners.core.metrics.MetricsPusher;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.metrics.MetricsOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.common.ReflectHelpers;

/**
 * A Beam runner with micro-batch semantics: the pipeline becomes a DStream graph that runs once per
 * batch interval. Choose it with {@code --runner=MicroBatchRunner}.
 */
public class MicroBatchRunner extends PipelineRunner<MicroBatchPipelineResult> {

  private final MicroBatchPipelineOptions options;

  protected MicroBatchRunner(MicroBatchPipelineOptions options) {
    this.options = options;
  }

  /**
   * Called by Beam when {@code --runner=MicroBatchRunner} is given, by {@code Pipeline.create} and
   * again by {@code run()}.
   */
  public static MicroBatchRunner fromOptions(PipelineOptions options) {
    return new MicroBatchRunner(RunnerOptions.prepare(options));
  }

  public MicroBatchPipelineOptions options() {
    return options;
  }

  @Override
  public MicroBatchPipelineResult run(Pipeline pipeline) {
    MetricsEnvironment.setMetricsSupported(true);
    DStreamGraph graph = translator().translate(pipeline, options);
    Backend backend = Backends.create(options, graph);
    Optional<GraphCheckpointer> checkpointer = checkpointerFor(graph, backend);
    PipelineRun run =
        new PipelineRun(
            graph,
            new LocalTaskExecutor(options.getParallelism(), options.getJobName()),
            backend,
            checkpointer.<BatchHooks>map(c -> c).orElse(BatchHooks.NONE),
            checkpointer.isPresent() ? options.getMaxBatchRetries() : 0,
            StateBackendOptions.of(options));
    JobScheduler scheduler = new JobScheduler(run, generatorFor(graph), options.isLogEveryBatch());
    Optional<GraphCheckpointer.Resume> resumed = checkpointer.map(c -> recover(c, run));
    resumed.ifPresent(resume -> scheduler.resume(resume.lastCommitted(), resume.pending()));
    graph.inputs().forEach(input -> input.batchListener().ifPresent(scheduler::addListener));
    Optional<java.net.URI> ui = RunStatus.attach(scheduler, run, options, resumed);
    MicroBatchPipelineResult result = new MicroBatchPipelineResult(scheduler, ui);
    scheduler.start(options.getJobName());
    // Pushes attempted metrics to the sink named by --metricsSink (a no-op by default).
    new MetricsPusher(run.metrics().attemptedLive(), options.as(MetricsOptions.class), result)
        .start();
    return result;
  }

  /** Checkpointing into --checkpointLocation, if it is set. */
  private Optional<GraphCheckpointer> checkpointerFor(DStreamGraph graph, Backend backend) {
    String dir = options.getCheckpointLocation();
    if (dir == null) {
      return Optional.empty();
    }
    FileSystems.setDefaultPipelineOptions(options);
    return Optional.of(
        GraphCheckpointer.of(
            graph,
            new CheckpointStore(dir),
            options.getParallelism(),
            backend.keyedStateLocation(),
            options.getStateSnapshotEvery(),
            options.getCheckpointIntervalBatches()));
  }

  /** Restores the run from the checkpoint; a run that cannot resume is closed before it starts. */
  private GraphCheckpointer.Resume recover(GraphCheckpointer checkpointer, PipelineRun run) {
    try {
      return checkpointer.recover(run);
    } catch (IOException e) {
      run.close();
      throw new UncheckedIOException(
          "Cannot read the checkpoint in --checkpointLocation=" + options.getCheckpointLocation(),
          e);
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
  }

  /**
   * TestStream pipelines run in virtual time; streaming ones (asked for, or holding an unbounded
   * PCollection, which the translator turns into streaming) on the real clock; bounded ones back to
   * back.
   */
  private JobGenerator generatorFor(DStreamGraph graph) {
    long interval = options.getBatchIntervalMillis();
    return graph
        .manualClock()
        .map(JobGenerator::virtual)
        .orElseGet(
            () ->
                options.isStreaming()
                    ? JobGenerator.realTime(BatchClock.system(), interval)
                    : JobGenerator.backToBack(BatchClock.system(), interval));
  }

  /**
   * Found through the context class loader, as Beam finds its registrars: under spark-submit the
   * runner may be loaded by a parent loader while the translation comes with the application jar.
   */
  private static PipelineTranslator translator() {
    Iterator<PipelineTranslator> found =
        ServiceLoader.load(PipelineTranslator.class, ReflectHelpers.findClassLoader()).iterator();
    if (!found.hasNext()) {
      throw new IllegalStateException(
          "No "
              + PipelineTranslator.class.getName()
              + " on the classpath: add the dev.microbatch:microbatch-translation artifact");
    }
    return found.next();
  }

  @Override
  public String toString() {
    return "MicroBatchRunner";
  }
}
