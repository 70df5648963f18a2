package dev.microbatch.runner;

import org.apache.beam.sdk.options.ApplicationNameOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Options of the MicroBatchRunner, validated when the runner is created ({@code Pipeline.create}
 * and {@code run()}).
 *
 * <p>They live on one classpath with the options of Beam's other runners, and Beam's
 * PipelineOptionsFactory refuses every runner's options once two getters of one name differ in
 * return type or {@code @Default}. So a getter that shares its name with Flink's or Spark's
 * options is declared exactly as there ({@code parallelism}, {@code batchIntervalMillis},
 * {@code maxRecordsPerBatch}), and one whose default cannot be Beam's takes another name
 * ({@code checkpointLocation}, not Spark's {@code checkpointDir}, which defaults to a temporary
 * directory).
 */
public interface MicroBatchPipelineOptions
    extends PipelineOptions, StreamingOptions, ApplicationNameOptions {

  // Declared as in Beam's SparkPipelineOptions, which means the same by it.
  @Description(
      "Length of one micro-batch in milliseconds. Processing-time timers and triggers fire at "
          + "the first batch boundary after their time.")
  @Default.Long(500)
  Long getBatchIntervalMillis();

  void setBatchIntervalMillis(Long value);

  // Declared as in Beam's FlinkPipelineOptions, whose -1 also means "the machine decides".
  @Description(
      "Number of parallel tasks (and shuffle partitions); -1 for the number of cores.")
  @Default.Integer(-1)
  Integer getParallelism();

  void setParallelism(Integer value);

  // Declared as in Beam's SparkPipelineOptions.
  @Description(
      "Maximum number of records a source delivers in one batch, per source split; -1 for no "
          + "limit. A bounded source with a limit is read over several batches.")
  @Default.Long(-1)
  Long getMaxRecordsPerBatch();

  void setMaxRecordsPerBatch(Long value);

  @Description(
      "Longest time one unbounded source split reads in one batch, in milliseconds. Reading "
          + "also stops when the source has nothing available or maxRecordsPerBatch is reached.")
  @Default.Long(500)
  long getMaxReadTimeMillis();

  void setMaxReadTimeMillis(long value);

  @Description(
      "Most records per second one input partition (a Kafka partition) delivers; 0 for no bound.")
  @Default.Double(0)
  double getMaxRatePerPartition();

  void setMaxRatePerPartition(double value);

  @Description(
      "Backpressure: a PID estimator learns from each batch's processing time and scheduling "
          + "delay how many records per second the job keeps up with, and bounds the inputs to it.")
  @Default.Boolean(false)
  boolean isBackpressure();

  void setBackpressure(boolean value);

  @Description(
      "With backpressure, the rate (records per second per input) until the first estimate; 0 "
          + "for no bound.")
  @Default.Double(0)
  double getBackpressureInitialRate();

  void setBackpressureInitialRate(double value);

  @Description(
      "How long an input keeps retrying a source it cannot reach (a Kafka broker that is down or "
          + "restarting) before its batch fails, in milliseconds; 0 retries forever. Retries "
          + "back off from 100 ms to 5 s, and are logged.")
  @Default.Long(600_000)
  long getSourceRetryTimeoutMillis();

  void setSourceRetryTimeoutMillis(long value);

  @Description(
      "Whether a batch fails when Kafka offsets it is to read no longer exist (past a partition's"
          + " end after the broker was replaced, or before its log start after retention), naming"
          + " the topic, partition and offsets. false: go on where the read's auto.offset.reset"
          + " says, log it and count the lost offsets in the microbatch.kafka/lostOffsets counter.")
  @Default.Boolean(true)
  boolean isFailOnDataLoss();

  void setFailOnDataLoss(boolean value);

  @Description(
      "Directory for batch checkpoints (input positions, pending batch slices, watermarks, keyed"
          + " state), any Beam FileSystem path. A run with the directory of an earlier run resumes"
          + " where it committed last. Unset: no checkpoints, no recovery, no batch retries.")
  @Nullable String getCheckpointLocation();

  void setCheckpointLocation(@Nullable String value);

  @Description(
      "Every how many checkpoints the keyed state is written whole; the checkpoints between write"
          + " only the keys whose state changed since the one before (1: every checkpoint whole)."
          + " Recovery reads the last whole one and the changes after it.")
  @Default.Integer(10)
  int getStateSnapshotEvery();

  void setStateSnapshotEvery(int value);

  @Description(
      "Every how many batches a checkpoint is written (and after the run's last batch). The"
          + " batches between record only their input slices: recovery restores the last"
          + " checkpoint and re-runs them over those slices (exactly-once sinks publish nothing"
          + " twice; other sinks may). 1: every batch. Local backend only for now.")
  @Default.Integer(1)
  int getCheckpointIntervalBatches();

  void setCheckpointIntervalBatches(int value);

  @Description(
      "Where keyed state lives while the job runs: 'heap' (Java objects; the default, fastest"
          + " while the state fits in memory) or 'rocksdb' (a RocksDB database on the local disk"
          + " of each JVM that owns a partition, for state larger than the heap; only the keys a"
          + " batch touches are in memory). Flink's 'hashmap' and 'filesystem' mean 'heap'."
          + " Checkpoints are the same for both.")
  @Nullable String getStateBackend();

  void setStateBackend(@Nullable String value);

  @Description(
      "Local directory for the RocksDB state backend's working files (each JVM creates its own"
          + " directory in it and deletes it at the end). Unset: the JVM's java.io.tmpdir.")
  @Nullable String getStateLocalDir();

  void setStateLocalDir(@Nullable String value);

  @Description(
      "How often a failed batch is re-run over the same slice, from the last committed state,"
          + " before the pipeline fails. Needs --checkpointLocation.")
  @Default.Integer(2)
  int getMaxBatchRetries();

  void setMaxBatchRetries(int value);

  @Description(
      "Where batches run. Unset: in this JVM (a thread pool of --parallelism threads). A Spark"
          + " master (spark://host:port, local[N], local-cluster[W,C,M]), or spark for the one"
          + " spark-submit gave: each batch's stages run as Spark jobs on that cluster's executors"
          + " (needs the dev.microbatch:microbatch-spark artifact). Named apart from Beam's"
          + " --sparkMaster, whose default (local[4]) would make every run a Spark run.")
  @Nullable String getClusterMaster();

  void setClusterMaster(@Nullable String value);

  @Description("Log one line per completed batch.")
  @Default.Boolean(true)
  boolean isLogEveryBatch();

  void setLogEveryBatch(boolean value);
}
