package dev.microbatch.spark.plan;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.ElementsCodec;
import dev.microbatch.runner.dstream.FusedStageDStream;
import dev.microbatch.runner.dstream.ListPartition;
import dev.microbatch.runner.dstream.Materialize;
import dev.microbatch.runner.dstream.Partition;
import dev.microbatch.runner.dstream.RemoteRead;
import dev.microbatch.runner.dstream.RemoteReadable;
import dev.microbatch.runner.dstream.ShuffledDStream;
import dev.microbatch.runner.dstream.StageFunction;
import dev.microbatch.runner.dstream.StageOutputDStream;
import dev.microbatch.runner.dstream.UnionDStream;
import dev.microbatch.runner.scheduler.BatchDetails;
import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.shuffle.KeyExtractor;
import dev.microbatch.spark.task.Chunk;
import dev.microbatch.spark.task.ClusterStageTask;
import dev.microbatch.spark.task.InputReadTask;
import dev.microbatch.spark.task.SideInputsPayload;
import dev.microbatch.spark.task.StageResult;
import dev.microbatch.spark.task.StageTaskSpec;
import dev.microbatch.spark.task.TaskReport;
import dev.microbatch.spark.task.TaskReports;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.joda.time.Instant;

/**
 * One batch of the graph as Spark RDDs. Stages, shuffles, stage outputs and unions run on the
 * executors (one chunk per Spark partition); every other stream (inputs, side inputs, stages placed
 * on the driver, anything an input module adds) is computed on the driver, shipped to the
 * executors as coder bytes where a
 * cluster stream reads it, and fed by collecting a cluster stream where it reads one. Side inputs
 * need one Spark job each to collect; everything else runs in a single job over all outputs.
 *
 * <p>After the jobs, every stream computed on the cluster is recorded in the batch with its
 * watermark and pending work from the task reports, so the commit, the checkpoint and the batch's
 * events see what they see on the local backend.
 */
public final class BatchPlan {

  /** A stream computed on the executors in this batch. */
  private record OnCluster(
      JavaRDD<Object> rdd, int partitions, Supplier<Instant> watermark, BooleanSupplier pending) {}

  private final ClusterRun run;
  private final BatchContext batch;
  private final DStreamGraph graph;
  private final Map<DStream<?>, OnCluster> cluster = new IdentityHashMap<>();
  private final Set<DStream<?>> collected = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<JavaRDD<?>> persisted = new ArrayList<>();
  private final List<Broadcast<?>> broadcasts = new ArrayList<>();
  /** The shipped streams' executor reads, whose reports are handed over once the jobs are done. */
  private final List<ReadReports> readsToReport = new ArrayList<>();

  public BatchPlan(ClusterRun run, BatchContext batch, DStreamGraph graph) {
    this.run = run;
    this.batch = batch;
    this.graph = graph;
  }

  /** Runs the batch's jobs and records what the cluster computed; cleans up whatever happens. */
  public void run() throws Exception {
    run.reports().reset();
    try {
      List<JavaRDD<Object>> ends = new ArrayList<>();
      for (DStream<?> output : graph.outputs()) {
        if (runsOnCluster(output)) {
          ends.add(onCluster(output).rdd());
        } else {
          Materialize.drain(onDriver(output), batch.executor());
        }
      }
      if (!ends.isEmpty()) {
        // One job computes every output; what the outputs hold stays on the executors.
        @SuppressWarnings("unchecked")
        JavaRDD<Object>[] all = ends.toArray(new JavaRDD[0]);
        // Each partition is read to its end: some RDDs (a union of co-partitioned ones) compute
        // their parents only as they are iterated.
        run.spark().union(all).foreachPartition(partition -> partition.forEachRemaining(x -> {}));
      }
      readsToReport.forEach(ReadReports::handOver);
      record();
    } finally {
      persisted.forEach(rdd -> rdd.unpersist(false));
      broadcasts.forEach(Broadcast::destroy);
    }
  }

  /** True for the streams this backend computes on the executors. */
  public static boolean runsOnCluster(DStream<?> stream) {
    return (stream instanceof FusedStageDStream stage
            && stage.placement() == FusedStageDStream.Placement.ANYWHERE)
        || stream instanceof ShuffledDStream
        || stream instanceof StageOutputDStream
        || stream instanceof UnionDStream;
  }

  /** The stream's result on the driver: computed here, or collected from the executors. */
  private BatchResult<?> onDriver(DStream<?> stream) throws Exception {
    if (runsOnCluster(stream)) {
      return collected.contains(stream) ? batch.resultOf(stream) : collect(stream);
    }
    for (DStream<?> dependency : stream.dependencies()) {
      onDriver(dependency);
    }
    return batch.resultOf(stream);
  }

  @SuppressWarnings("unchecked")
  private OnCluster onCluster(DStream<?> stream) throws Exception {
    OnCluster known = cluster.get(stream);
    if (known != null) {
      return known;
    }
    OnCluster planned;
    if (stream instanceof FusedStageDStream stage) {
      planned = stage(stage);
    } else if (stream instanceof ShuffledDStream<?> shuffle) {
      planned = shuffle((ShuffledDStream<Object>) shuffle);
    } else if (stream instanceof StageOutputDStream<?> output) {
      planned = stageOutput(output);
    } else if (stream instanceof UnionDStream<?> union) {
      planned = union((UnionDStream<Object>) union);
    } else {
      planned = ship(stream);
    }
    if (graph.consumerCounts().getOrDefault(stream, 0) > 1) {
      planned = computeOnce(stream, planned);
    }
    cluster.put(stream, planned);
    return planned;
  }

  /**
   * A stream read by several is computed once, by a job of its own, before its readers. A stage
   * task must run once per batch: its DoFns may have effects outside, or decide at random (Beam's
   * hot-key fanout sends each element to the hot or the cold output at random; computed once per
   * output, elements would be lost and doubled). Persisting alone does not ensure it: Spark
   * computes a persisted RDD again in every stage that reads it before its blocks are known, and
   * again wherever a block cannot be fetched from the executor that holds it. So the partitions
   * are kept as coder bytes (which Spark can ship to a reader on another executor; see {@link
   * KeptPartitions}), in a local checkpoint: in memory, spilled to disk when memory is short, and
   * with the lineage cut, so that a block that cannot be read fails its reader's task (Spark
   * retries it, then fails the batch) instead of being computed a second time.
   *
   * @return the stream as its readers read it
   */
  private OnCluster computeOnce(DStream<?> stream, OnCluster planned) {
    KeptPartitions keeping = keepingFor(stream);
    JavaRDD<KeptPartitions.Kept> kept = planned.rdd().map(keeping::keep);
    kept.rdd().localCheckpoint();
    persisted.add(kept);
    kept.foreachPartition(partition -> partition.forEachRemaining(x -> {}));
    return new OnCluster(
        kept.map(keeping::read), planned.partitions(), planned.watermark(), planned.pending());
  }

  private KeptPartitions keepingFor(DStream<?> stream) {
    if (!(stream instanceof FusedStageDStream stage)) {
      return KeptPartitions.ofStream(codecOf(stream));
    }
    Map<Integer, ElementsCodec<Object>> codecs = new java.util.HashMap<>();
    for (DStream<?> reader : graph.streamsById().values()) {
      if (reader instanceof StageOutputDStream<?> output && output.stage() == stage) {
        codecs.put(output.output(), codecOf(output));
      }
    }
    return KeptPartitions.ofStage(codecs);
  }

  private OnCluster stage(FusedStageDStream stage) throws Exception {
    OnCluster input = onCluster(stage.mainInput());
    SideInputsPayload sides = new SideInputsPayload();
    for (DStream<?> side : stage.sideInputs()) {
      @SuppressWarnings("unchecked")
      BatchResult<Object> contents = (BatchResult<Object>) onDriver(side);
      sides.add(contents.collect(), codecOf(side), contents.outputWatermark());
    }
    Broadcast<SideInputsPayload> sideInputs = run.spark().broadcast(sides);
    broadcasts.add(sideInputs);
    StageTaskSpec spec =
        new StageTaskSpec(
            stage.id(),
            stage.name(),
            batch.time().millis(),
            batch.processingTime().getMillis(),
            batch.lastOutputWatermark(stage.mainInput()).getMillis(),
            StageTaskSpec.StateVersions.of(
                run.runId(),
                run.stateDirectory(),
                batch.progress().lastCommittedBatch().map(BatchTime::millis),
                batch.time().millis(),
                run.stateSnapshotEvery(),
                run.stateBackend()));
    Broadcast<Map<String, StageFunction>> functions = run.functions();
    TaskReports reports = run.reports();
    JavaRDD<Object> tasks =
        input
            .rdd()
            .mapPartitionsWithIndex(
                (partition, chunks) ->
                    BatchPlan.<Object>cast(
                        ClusterStageTask.run(
                            spec, functions, sideInputs, reports, partition, cast(chunks))),
                true);
    int n = input.partitions();
    String id = stage.id();
    return new OnCluster(
        tasks,
        n,
        () -> n == 0 ? input.watermark().get() : minimum(reportsOf(id, n)),
        () -> reportsOf(id, n).stream().anyMatch(TaskReport::pendingWork));
  }

  private OnCluster stageOutput(StageOutputDStream<?> output) throws Exception {
    OnCluster stage = onCluster(output.stage());
    int index = output.output();
    JavaRDD<Object> chunks =
        stage.rdd().map(result -> (Object) ((StageResult) result).output(index));
    return new OnCluster(chunks, stage.partitions(), stage.watermark(), () -> false);
  }

  private OnCluster shuffle(ShuffledDStream<Object> shuffle) throws Exception {
    OnCluster parent = onCluster(shuffle.parent());
    ElementsCodec<Object> codec = codecOf(shuffle.parent());
    KeyExtractor<Object> keys = shuffle.keys();
    int partitions = shuffle.numPartitions();
    String name = shuffle.name();
    // With no map tasks there are no blocks to carry a watermark: the parent's whole is known now.
    long noMapTasks =
        parent.partitions() == 0
            ? parent.watermark().get().getMillis()
            : BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis();
    JavaRDD<Object> reduced =
        parent
            .rdd()
            .mapPartitionsWithIndex(
                (mapTask, chunks) ->
                    ShuffleTasks.write(name, mapTask, cast(chunks), keys, codec, partitions),
                false)
            .mapPartitionsToPair(blocks -> blocks)
            .partitionBy(new ReducePartitioner(partitions))
            .mapPartitions(
                blocks ->
                    BatchPlan.<Object>cast(ShuffleTasks.read(blocks, keys, codec, noMapTasks)),
                true);
    return new OnCluster(reduced, partitions, parent.watermark(), () -> false);
  }

  private OnCluster union(UnionDStream<Object> union) throws Exception {
    List<OnCluster> parents = new ArrayList<>();
    for (DStream<Object> parent : union.parents()) {
      parents.add(onCluster(parent));
    }
    Supplier<Instant> watermark =
        () -> {
          Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
          for (OnCluster parent : parents) {
            Instant parentWatermark = parent.watermark().get();
            min = parentWatermark.isBefore(min) ? parentWatermark : min;
          }
          return min;
        };
    if (parents.isEmpty()) {
      return new OnCluster(run.spark().emptyRDD(), 0, watermark, () -> false);
    }
    @SuppressWarnings("unchecked")
    JavaRDD<Object>[] all = parents.stream().map(OnCluster::rdd).toArray(JavaRDD[]::new);
    int partitions = parents.stream().mapToInt(OnCluster::partitions).sum();
    return new OnCluster(run.spark().union(all), partitions, watermark, () -> false);
  }

  /**
   * A stream computed on the driver (an input, a driver-placed stage), read by the executors that
   * consume it: each partition that can be read elsewhere (an offset range, a source split) is read
   * there; every other one is read here and sent as coder bytes. The stream's watermark is known
   * once the remote reads have reported.
   */
  private OnCluster ship(DStream<?> stream) throws Exception {
    @SuppressWarnings("unchecked")
    BatchResult<Object> read =
        Materialize.exceptRemoteReadable((BatchResult<Object>) onDriver(stream), batch.executor());
    if (read.numPartitions() == 0) {
      Instant watermark = read.outputWatermark();
      return new OnCluster(run.spark().emptyRDD(), 0, () -> watermark, () -> false);
    }
    ElementsCodec<Object> codec = codecOf(stream);
    List<RemoteRead<Object>> reads = new ArrayList<>(read.numPartitions());
    List<Optional<RemoteReadable<Object>>> remote = new ArrayList<>();
    for (int i = 0; i < read.numPartitions(); i++) {
      Partition<Object> partition = read.partitions().get(i);
      if (partition instanceof RemoteReadable<Object> readable) {
        reads.add(readable.remoteRead());
        remote.add(Optional.of(readable));
      } else {
        List<Object> elements = ((ListPartition<Object>) partition).elements();
        reads.add(
            new ShippedElements(
                new EncodedPartition(codec.encode(elements), read.watermarkOf(i).getMillis()),
                codec));
        remote.add(Optional.empty());
      }
    }
    String id = stream.id();
    TaskReports reports = run.reports();
    JavaRDD<Object> chunks =
        run.spark()
            .parallelize(reads, reads.size())
            .mapPartitionsWithIndex(
                (partition, one) ->
                    BatchPlan.<Object>cast(InputReadTask.run(id, partition, one, reports)),
                true);
    ReadReports readReports =
        new ReadReports(remote, () -> reportsOf(InputReadTask.reportsOf(id), reads.size()));
    readsToReport.add(readReports);
    Supplier<Instant> watermark =
        () -> {
          readReports.handOver();
          return read.outputWatermark();
        };
    return new OnCluster(chunks, reads.size(), watermark, () -> false);
  }

  /**
   * A cluster stream that a driver stream reads (a side input's parent): one job brings its
   * partitions back as coder bytes.
   */
  private BatchResult<?> collect(DStream<?> stream) throws Exception {
    OnCluster computed = onCluster(stream);
    ElementsCodec<Object> codec = codecOf(stream);
    List<EncodedPartition> encoded =
        computed
            .rdd()
            .map(
                chunk ->
                    new EncodedPartition(
                        codec.encode(((Chunk) chunk).elements()),
                        ((Chunk) chunk).watermark().getMillis()))
            .collect();
    List<Partition<Object>> partitions = new ArrayList<>(encoded.size());
    List<Instant> watermarks = new ArrayList<>(encoded.size());
    for (EncodedPartition partition : encoded) {
      partitions.add(new ListPartition<>(codec.decode(partition.elements())));
      watermarks.add(new Instant(partition.watermarkMillis()));
    }
    BatchResult<Object> result =
        BatchResult.readLazily(partitions, watermarks::get, computed.watermark())
            .withPendingWork(computed.pending().getAsBoolean());
    record(stream, result);
    return result;
  }

  @SuppressWarnings("unchecked")
  private <T> void record(DStream<T> stream, BatchResult<?> result) {
    collected.add(stream);
    batch.computedElsewhere(stream, (BatchResult<T>) result);
  }

  /**
   * Records every cluster stream not collected: its watermark and pending work (its elements stay
   * on the executors), and for stages what their tasks did and their metrics.
   */
  private void record() {
    cluster.forEach(
        (stream, computed) -> {
          if (stream instanceof FusedStageDStream && runsOnCluster(stream)) {
            recordStage(stream.id(), computed);
          }
          // A shipped stream was computed on the driver and is recorded already.
          if (runsOnCluster(stream) && !collected.contains(stream)) {
            List<Partition<Object>> remote = new ArrayList<>(computed.partitions());
            for (int i = 0; i < computed.partitions(); i++) {
              remote.add(new RemotePartition<>(stream.id(), i));
            }
            Instant watermark = computed.watermark().get();
            record(
                stream,
                BatchResult.of(remote, watermark).withPendingWork(computed.pending().getAsBoolean()));
          }
        });
  }

  private void recordStage(String id, OnCluster computed) {
    List<TaskReport> reports = reportsOf(id, computed.partitions());
    long recordsIn = 0;
    long taskMillis = 0;
    long slowest = 0;
    for (TaskReport report : reports) {
      recordsIn += report.recordsIn();
      taskMillis += report.millis();
      slowest = Math.max(slowest, report.millis());
      batch.addTaskMetrics(report.metrics());
    }
    batch.addStage(
        new BatchDetails.StageInfo(
            id, reports.size(), recordsIn, taskMillis, slowest, computed.watermark().get()));
  }

  private List<TaskReport> reportsOf(String stage, int partitions) {
    Map<String, TaskReport> all = run.reports().value();
    List<TaskReport> reports = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      TaskReport report = all.get(TaskReport.key(stage, p));
      if (report == null) {
        throw new IllegalStateException(
            "Task " + p + " of stage " + stage + " sent no report; reports: " + all.keySet());
      }
      reports.add(report);
    }
    return reports;
  }

  private static Instant minimum(List<TaskReport> reports) {
    long min = BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis();
    for (TaskReport report : reports) {
      min = Math.min(min, report.outputWatermarkMillis());
    }
    return new Instant(min);
  }

  @SuppressWarnings("unchecked")
  private ElementsCodec<Object> codecOf(DStream<?> stream) {
    return graph
        .codecOf((DStream<Object>) stream)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Stream "
                        + stream.id()
                        + " has no element codec, so its elements cannot cross between the"
                        + " driver and the Spark executors"));
  }

  @SuppressWarnings("unchecked")
  private static <T> java.util.Iterator<T> cast(java.util.Iterator<?> iterator) {
    return (java.util.Iterator<T>) iterator;
  }
}
