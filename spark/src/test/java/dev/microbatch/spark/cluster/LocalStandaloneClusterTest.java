package dev.microbatch.spark.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.spark.LoopbackSparkCluster;
import org.junit.Test;

/**
 * The loopback cluster is a real Spark standalone cluster: its Master, on 127.0.0.1, sees both
 * Workers alive. (That an application's tasks run in executor JVMs of both Workers is pinned down
 * by {@code SparkClusterBackendTest}, on the same cluster.)
 */
public class LocalStandaloneClusterTest {

  @Test
  public void itsMasterSeesBothWorkersOnTheLoopbackAddress() throws Exception {
    LocalStandaloneCluster cluster = LoopbackSparkCluster.cluster();
    assertTrue(cluster.masterUrl(), cluster.masterUrl().startsWith("spark://127.0.0.1:"));
    assertEquals(2, cluster.aliveWorkers());
  }
}
