package dev.microbatch.runner.dstream;

/**
 * The embedded backend: each stream computes itself on the run's task executor (a thread pool in
 * this JVM), elements staying objects from input to output.
 */
public final class LocalBackend implements Backend {

  @Override
  public void computeOutputs(BatchContext batch, DStreamGraph graph) throws Exception {
    for (DStream<?> output : graph.outputs()) {
      // A lazy result nobody reads (a source without consumers) is still read: reading is what
      // moves the source forward, and it may have effects such as metrics.
      Materialize.drain(batch.resultOf(output), batch.executor());
    }
  }

  @Override
  public boolean stagesEncodeOutputs() {
    return true;
  }

  @Override
  public void close() {}
}
