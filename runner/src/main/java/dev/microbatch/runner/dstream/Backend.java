package dev.microbatch.runner.dstream;

/**
 * Where a batch's streams are computed once every input has fixed its slice: in this JVM's task
 * threads ({@link LocalBackend}, the embedded default) or on a cluster's executors. The rest of a
 * batch (slices, commit, checkpoint, events) is the same on every backend.
 */
public interface Backend extends AutoCloseable {

  /**
   * Computes every output stream of {@code graph} for {@code batch}, and so every stream they read;
   * a stream computed away from this JVM is recorded with {@link BatchContext#computedElsewhere},
   * so that its watermark and pending work reach the run's progress.
   */
  void computeOutputs(BatchContext batch, DStreamGraph graph) throws Exception;

  /**
   * Where this backend keeps keyed state between batches, recorded in checkpoints: state kept
   * elsewhere than where a checkpoint put it would be silently lost on resume.
   */
  default String keyedStateLocation() {
    return "checkpoint";
  }

  /**
   * Whether a stage task may hold its outputs encoded ({@link DStreamGraph#encodedOutputsOf}),
   * writing an output that one shuffle alone reads straight into that shuffle's blocks: true where
   * stage tasks and shuffles run in one JVM through {@link FusedStageDStream} and {@link
   * ShuffledDStream} themselves.
   */
  boolean stagesEncodeOutputs();

  /** Releases what the backend holds (a cluster connection); called once when the run ends. */
  @Override
  void close();
}
