package dev.microbatch.runner.backend;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.dstream.Backend;
import dev.microbatch.runner.dstream.DStreamGraph;

/**
 * A cluster backend found on the classpath (Java {@link java.util.ServiceLoader}): it claims the
 * {@code --clusterMaster} values it understands and creates the backend of a run.
 */
public interface BackendProvider {

  /** The cluster engine's name, for messages ("Spark"). */
  String name();

  /** The {@code --clusterMaster} forms this backend understands, for messages. */
  String masterForms();

  boolean accepts(String clusterMaster);

  /** The backend of one run; it is closed when the run ends. */
  Backend create(MicroBatchPipelineOptions options, DStreamGraph graph);
}
