package dev.microbatch.spark;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.ValidatesRunner;
import org.junit.Test;
import org.junit.experimental.categories.Categories;
import org.junit.runner.JUnitCore;
import org.junit.runner.Request;
import org.junit.runner.Result;
import org.junit.runner.notification.Failure;

/**
 * A selection of Beam's own ValidatesRunner tests, at least one of every category the suite's
 * report lists (ParDo, GroupByKey, Flatten, state, timers, triggers, side inputs, splittable DoFn,
 * TestStream, unbounded sources, metrics, merging windows), run on the Spark backend over the
 * loopback cluster, in batch mode (keyed state on the heap) and streaming mode (in RocksDB on the
 * executors). The whole suite runs with {@code mvn -pl
 * validates-runner-tests -am verify -Pspark-backend}; this keeps CI's part of it short.
 */
public class ValidatesRunnerSelectionOnSparkTest {

  private static final List<String> SELECTION =
      List.of(
          "org.apache.beam.sdk.transforms.CreateTest#testCreate",
          "org.apache.beam.sdk.transforms.ParDoTest$BasicTests#testParDo",
          "org.apache.beam.sdk.transforms.ParDoTest$MultipleInputsAndOutputTests#testParDoWithTaggedOutput",
          "org.apache.beam.sdk.transforms.GroupByKeyTest$BasicTests#testGroupByKey",
          "org.apache.beam.sdk.transforms.GroupByKeyTest$WindowTests#testGroupByKeyMergingWindows",
          "org.apache.beam.sdk.transforms.FlattenTest#testFlattenPCollections",
          "org.apache.beam.sdk.transforms.ParDoTest$StateTests#testValueStateSimple",
          "org.apache.beam.sdk.transforms.ParDoTest$StateTests#testBagState",
          "org.apache.beam.sdk.transforms.ParDoTest$TimerTests#testEventTimeTimerBounded",
          "org.apache.beam.sdk.transforms.ParDoTest$TimerTests#testEventTimeTimerUnbounded",
          "org.apache.beam.sdk.transforms.ParDoTest$TimerTests#testProcessingTimeTimerCanBeReset",
          "org.apache.beam.sdk.testing.TestStreamTest#testProcessingTimeTrigger",
          "org.apache.beam.sdk.testing.TestStreamTest#testLateDataAccumulating",
          "org.apache.beam.sdk.transforms.CombineTest$WindowingTests#testGlobalCombineWithDefaultsAndTriggers",
          "org.apache.beam.sdk.transforms.ViewTest#testSingletonSideInput",
          "org.apache.beam.sdk.transforms.ViewTest#testTriggeredLatestSingleton",
          "org.apache.beam.sdk.transforms.SplittableDoFnTest#testPairWithIndexBasicBounded",
          "org.apache.beam.sdk.transforms.SplittableDoFnTest#testPairWithIndexBasicUnbounded",
          "org.apache.beam.sdk.io.CountingSourceTest#testUnboundedSourceSplits",
          "org.apache.beam.sdk.metrics.MetricsTest$AttemptedMetricTests#testAttemptedCounterMetrics",
          "org.apache.beam.sdk.transforms.windowing.WindowTest#testMergingCustomWindows");

  @Test
  public void passInBatchMode() throws Exception {
    runSelection(false);
  }

  @Test
  public void passInStreamingMode() throws Exception {
    runSelection(true);
  }

  private static void runSelection(boolean streaming) throws Exception {
    String options =
        "[\"--runner=TestMicroBatchRunner\",\"--clusterMaster="
            + LoopbackSparkCluster.master()
            + "\",\"--reuseSparkContext=true\""
            // Streaming mode keeps executors' keyed state in RocksDB, batch mode on the heap.
            + (streaming ? ",\"--streaming=true\",\"--stateBackend=rocksdb\"" : "")
            + "]";
    String before = System.getProperty("beamTestPipelineOptions");
    System.setProperty("beamTestPipelineOptions", options);
    List<String> failures = new ArrayList<>();
    int run = 0;
    // -Dvr.selection=Class#method,Class,... runs other tests the same way (to look into them); a
    // class alone means its ValidatesRunner tests.
    List<String> selection =
        System.getProperty("vr.selection", "").isBlank()
            ? SELECTION
            : List.of(System.getProperty("vr.selection").split(","));
    try {
      for (String test : selection) {
        String[] parts = test.split("#");
        Request request =
            parts.length == 1
                ? Request.aClass(Class.forName(parts[0]))
                    .filterWith(Categories.CategoryFilter.include(ValidatesRunner.class))
                : Request.method(Class.forName(parts[0]), parts[1]);
        Result result = new JUnitCore().run(request);
        run += result.getRunCount();
        for (Failure failure : result.getFailures()) {
          failures.add(test + ": " + failure.getTrace());
        }
        System.out.printf(
            "ValidatesRunner on Spark, %s mode: %s %s%n",
            streaming ? "streaming" : "batch",
            test,
            result.wasSuccessful() ? "passed" : "FAILED");
      }
    } finally {
      if (before == null) {
        System.clearProperty("beamTestPipelineOptions");
      } else {
        System.setProperty("beamTestPipelineOptions", before);
      }
    }
    if (System.getProperty("vr.selection", "").isBlank()) {
      assertEquals("tests run", selection.size(), run);
    }
    assertEquals(String.join("\n\n", failures), 0, failures.size());
  }
}
