package dev.microbatch.spark;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.backend.BackendProvider;
import dev.microbatch.runner.dstream.Backend;
import dev.microbatch.runner.dstream.DStreamGraph;

/** Claims the {@code --clusterMaster} values that name a Spark master. */
public final class SparkBackendProvider implements BackendProvider {

  /** The master spark-submit gave (its {@code spark.master}). */
  static final String FROM_SPARK_SUBMIT = "spark";

  @Override
  public String name() {
    return "Spark";
  }

  @Override
  public String masterForms() {
    return "spark://host:port, local, local[N], local[*], local-cluster[W,C,M], or spark for the"
        + " master spark-submit gave";
  }

  @Override
  public boolean accepts(String clusterMaster) {
    return clusterMaster.equals(FROM_SPARK_SUBMIT)
        || clusterMaster.startsWith("spark://")
        || clusterMaster.equals("local")
        || clusterMaster.matches("local\\[(\\d+|\\*)(,\\d+)?]")
        || clusterMaster.matches("local-cluster\\[\\d+,\\d+,\\d+]");
  }

  @Override
  public Backend create(MicroBatchPipelineOptions options, DStreamGraph graph) {
    return SparkBackend.start(options, graph);
  }
}
