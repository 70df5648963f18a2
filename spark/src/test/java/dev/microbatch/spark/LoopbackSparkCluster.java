package dev.microbatch.spark;

import dev.microbatch.spark.cluster.LocalStandaloneCluster;

/**
 * One loopback standalone cluster (Master and two Workers) per test JVM, started on first use and
 * stopped when the JVM exits. Pipelines run on it with
 * {@code --clusterMaster=}{@link #master()} and {@code --reuseSparkContext=true}, so that
 * executors start once per test fork rather than once per pipeline.
 */
public final class LoopbackSparkCluster {

  private static LocalStandaloneCluster cluster;

  private LoopbackSparkCluster() {}

  /** The master URL of the cluster, started (and the driver settings made) on first call. */
  public static String master() {
    return cluster().masterUrl();
  }

  /** The cluster, started (and the driver settings made) on first call. */
  public static synchronized LocalStandaloneCluster cluster() {
    if (cluster == null) {
      try {
        cluster = LocalStandaloneCluster.start(LocalStandaloneCluster.Spec.twoWorkers());
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start the loopback Spark cluster", e);
      }
      cluster.driverSettings().forEach(System::setProperty);
      LocalStandaloneCluster started = cluster;
      // The shared Spark context's executors stop with their Workers.
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "loopback-spark-cluster-stop"));
    }
    return cluster;
  }
}
