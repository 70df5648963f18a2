package dev.microbatch.runner;

/**
 * Checks the runner's options when the runner is created, before anything runs, naming the first
 * option that is wrong.
 */
final class OptionsValidator {

  private OptionsValidator() {}

  static void validate(MicroBatchPipelineOptions options) {
    if (options.getBatchIntervalMillis() == null || options.getBatchIntervalMillis() <= 0) {
      throw new InvalidOptionException(
          "batchIntervalMillis", options.getBatchIntervalMillis(), "must be positive");
    }
    Integer parallelism = options.getParallelism();
    if (parallelism == null || (parallelism < 1 && parallelism != RunnerOptions.CORES)) {
      throw new InvalidOptionException(
          "parallelism", options.getParallelism(), "must be >= 1, or -1 for the number of cores");
    }
    Long maxRecords = options.getMaxRecordsPerBatch();
    if (maxRecords == null || maxRecords == 0 || maxRecords < -1) {
      throw new InvalidOptionException(
          "maxRecordsPerBatch",
          options.getMaxRecordsPerBatch(),
          "must be positive, or -1 for no limit");
    }
    if (options.getMaxReadTimeMillis() <= 0) {
      throw new InvalidOptionException(
          "maxReadTimeMillis", options.getMaxReadTimeMillis(), "must be positive");
    }
    if (options.getMaxRatePerPartition() < 0) {
      throw new InvalidOptionException(
          "maxRatePerPartition", options.getMaxRatePerPartition(), "must be >= 0 (0: no bound)");
    }
    if (options.getBackpressureInitialRate() < 0) {
      throw new InvalidOptionException(
          "backpressureInitialRate",
          options.getBackpressureInitialRate(),
          "must be >= 0 (0: no bound)");
    }
    if (options.getMaxBatchRetries() < 0) {
      throw new InvalidOptionException(
          "maxBatchRetries", options.getMaxBatchRetries(), "must be >= 0");
    }
    if (options.getStateSnapshotEvery() < 1) {
      throw new InvalidOptionException(
          "stateSnapshotEvery",
          options.getStateSnapshotEvery(),
          "must be >= 1 (1: every checkpoint holds all keyed state)");
    }
    if (options.getCheckpointIntervalBatches() < 1) {
      throw new InvalidOptionException(
          "checkpointIntervalBatches",
          options.getCheckpointIntervalBatches(),
          "must be >= 1 (1: a checkpoint after every batch)");
    }
    if (options.getCheckpointIntervalBatches() > 1 && options.getClusterMaster() != null) {
      throw new InvalidOptionException(
          "checkpointIntervalBatches",
          options.getCheckpointIntervalBatches(),
          "must be 1 with --clusterMaster: executors keep one state version per batch and prune"
              + " by it, so every batch is checkpointed on a cluster");
    }
    if (options.getSourceRetryTimeoutMillis() < 0) {
      throw new InvalidOptionException(
          "sourceRetryTimeoutMillis",
          options.getSourceRetryTimeoutMillis(),
          "must be >= 0 (0: retry forever)");
    }
    StateBackendOptions.of(options);
    dev.microbatch.runner.backend.Backends.validate(options);
    String location = options.getCheckpointLocation();
    if (location != null) {
      CheckpointLocationValidator.validate(location);
    }
  }
}
