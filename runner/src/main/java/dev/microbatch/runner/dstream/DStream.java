package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.BatchTime;
import java.util.List;
import java.util.Optional;

/**
 * A node of the DStream graph: for each batch time it yields that batch's partitioned data.
 *
 * <p>A DStream is computed at most once per batch (the {@link BatchContext} memoizes results), in
 * dependency order. What a run learns of a stream (its watermark, its pending work) is kept by the
 * run ({@link StreamProgress}); inputs still keep their reader positions themselves.
 */
public abstract class DStream<T> {

  private final String name;
  private final List<DStream<?>> dependencies;

  protected DStream(String name, List<? extends DStream<?>> dependencies) {
    this.name = name;
    this.dependencies = List.copyOf(dependencies);
  }

  public final String name() {
    return name;
  }

  /**
   * The stream's stable id: its kind and its name, which comes from Beam's unique transform or
   * PCollection names. Checkpoints find a stream's state by it, so it must not depend on Java class
   * names or on the order in which the graph was traversed.
   */
  public final String id() {
    return kind() + ":" + name;
  }

  /** What the stream is, in one stable word ("input", "stage", "shuffle", ...), part of its id. */
  protected abstract String kind();

  /** Streams whose batch results this one reads (main inputs and side inputs). */
  public final List<DStream<?>> dependencies() {
    return dependencies;
  }

  /** Produces this batch's result; dependencies are obtained through {@code batch.resultOf}. */
  protected abstract BatchResult<T> compute(BatchContext batch) throws Exception;

  /** The state this stream keeps across batches, for checkpoints; empty when it keeps none. */
  public Optional<StreamCheckpoint> checkpointState() {
    return Optional.empty();
  }

  /**
   * Releases what the stream holds open (consumers, producers, connections) when the run ends,
   * whichever way it ends. The stream is not used afterwards.
   */
  protected void close() throws Exception {}

  /** Called once the batch containing this stream's output has been committed. */
  protected void onBatchCommitted(BatchTime time) {}

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + "]";
  }
}
