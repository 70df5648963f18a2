package dev.microbatch.spark.task;

import dev.microbatch.runner.state.StateBackendSpec;
import java.io.Serializable;
import java.util.Optional;

/**
 * What every task of one stage needs to know of its batch, shipped with the stage's Spark tasks;
 * the stage function itself is broadcast once per run.
 *
 * @param stage the stage's stream id (the key of its function and of its reports)
 * @param stageName the stage's name (its metrics step and state store names)
 * @param batchTimeMillis the batch time
 * @param processingTimeMillis processing time for timers and triggers in this batch
 * @param lastInputWatermarkMillis the stage's input watermark as of the last committed batch
 * @param state where the stage's keyed state is read and written, version by version
 */
public record StageTaskSpec(
    String stage,
    String stageName,
    long batchTimeMillis,
    long processingTimeMillis,
    long lastInputWatermarkMillis,
    StateVersions state)
    implements Serializable {

  /**
   * The state a task opens and the state it leaves: the version of the last committed batch (none
   * before the first), and this batch's. Versions are batch times.
   *
   * @param runId the run whose cached state an executor may hold
   * @param directory where each stage partition's versions are written
   * @param readVersionMillis the last committed batch, or {@link #NONE}
   * @param snapshotEvery every how many versions are written whole (the others hold what changed)
   * @param backend where an executor keeps a partition's live state between versions
   */
  public record StateVersions(
      String runId,
      String directory,
      long readVersionMillis,
      long writeVersion,
      int snapshotEvery,
      StateBackendSpec backend)
      implements Serializable {

    /** No batch has committed yet: state starts empty. */
    public static final long NONE = Long.MIN_VALUE;

    public static StateVersions of(
        String runId,
        String directory,
        Optional<Long> readVersion,
        long writeVersion,
        int snapshotEvery,
        StateBackendSpec backend) {
      return new StateVersions(
          runId, directory, readVersion.orElse(NONE), writeVersion, snapshotEvery, backend);
    }

    public Optional<Long> readVersion() {
      return readVersionMillis == NONE ? Optional.empty() : Optional.of(readVersionMillis);
    }
  }
}
