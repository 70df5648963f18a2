package dev.microbatch.spark.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.Test;

/**
 * The loopback cluster is a real Spark standalone cluster: its Master sees both Workers, and an
 * application's tasks run in executor JVMs on both.
 */
public class LocalStandaloneClusterTest {

  @Test
  public void runsAnApplicationsTasksOnExecutorsOfBothWorkers() throws Exception {
    String classpath = System.getProperty("java.class.path");
    try (LocalStandaloneCluster cluster =
        LocalStandaloneCluster.start(LocalStandaloneCluster.Spec.twoWorkers())) {
      assertEquals(2, cluster.aliveWorkers());

      SparkConf conf =
          new SparkConf()
              .setMaster(cluster.masterUrl())
              .setAppName("cluster-spec")
              .set("spark.driver.host", "127.0.0.1")
              .set("spark.driver.bindAddress", "127.0.0.1")
              .set("spark.executor.memory", "512m")
              .set("spark.ui.enabled", "false")
              // Tasks start once both executors are up, so both get some.
              .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
              // The test's own classes (the lambdas below) on every executor.
              .set("spark.executor.extraClassPath", classpath);
      try (JavaSparkContext spark = new JavaSparkContext(conf)) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
          numbers.add(i);
        }
        List<String> ranOn =
            spark
                .parallelize(numbers, 8)
                .mapPartitions(
                    values -> {
                      long sum = 0;
                      while (values.hasNext()) {
                        sum += values.next();
                      }
                      return List.of(SparkEnv.get().executorId() + "=" + sum).iterator();
                    })
                .collect();
        long total = 0;
        Set<String> executors = new HashSet<>();
        for (String partition : ranOn) {
          String[] parts = partition.split("=");
          executors.add(parts[0]);
          total += Long.parseLong(parts[1]);
        }
        assertEquals(500_500L, total);
        assertTrue("tasks ran on " + executors, executors.size() == 2);
      }
    }
  }
}
