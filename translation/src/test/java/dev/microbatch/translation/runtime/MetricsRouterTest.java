package dev.microbatch.translation.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import java.io.Closeable;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.junit.After;
import org.junit.Test;

/** A task's metrics router sends each update to the step whose code runs, and to nothing else. */
public class MetricsRouterTest {

  private static final MetricName SEEN = MetricName.named("spec", "seen");

  private final MetricsRouter router = new MetricsRouter();
  private final MetricsContainerImpl outside = new MetricsContainerImpl("outside");
  private final MetricsContainerImpl step = new MetricsContainerImpl("step");

  @After
  public void clearThread() {
    MetricsEnvironment.setCurrentContainer(null);
  }

  private static long seen(MetricsContainerImpl container) {
    return container.getCounter(SEEN).getCumulative();
  }

  private static void countOne() {
    Metrics.counter("spec", "seen").inc();
  }

  @Test
  public void whileInstalledEachUpdateGoesToTheEnteredStepAndThenBackOutside() throws Exception {
    MetricsEnvironment.setCurrentContainer(outside);
    try (Closeable routed = router.install()) {
      countOne();
      MetricsContainer beforeStep = router.route(step);
      countOne();
      try (Closeable nested = router.install()) {
        countOne();
      }
      router.route(beforeStep);
      countOne();
    }

    assertEquals(2, seen(outside));
    assertEquals(2, seen(step));
    assertSame(outside, MetricsEnvironment.getCurrentContainer());
  }

  /**
   * A source scopes its own step's container around the reading that hands a partition's elements
   * to the task, installed once for the whole partition: each element's call installs the router
   * over the source's container, and both are put back in order.
   */
  @Test
  public void aContainerMadeCurrentBetweenCallsIsRoutedFromAndPutBack() throws Exception {
    MetricsContainerImpl source = new MetricsContainerImpl("source");
    MetricsEnvironment.setCurrentContainer(outside);
    try (Closeable partition = router.install()) {
      try (Closeable sourceScope = MetricsEnvironment.scopedMetricsContainer(source)) {
        countOne();
        for (int element = 0; element < 2; element++) {
          try (Closeable call = router.install()) {
            MetricsContainer beforeStep = router.route(step);
            countOne();
            router.route(beforeStep);
            countOne();
          }
          assertSame(source, MetricsEnvironment.getCurrentContainer());
        }
      }
      assertSame(router, MetricsEnvironment.getCurrentContainer());
      countOne();
      MetricsContainer beforeStep = router.route(step);
      countOne();
      router.route(beforeStep);
    }

    assertEquals(3, seen(source));
    assertEquals(3, seen(step));
    assertEquals(1, seen(outside));
    assertSame(outside, MetricsEnvironment.getCurrentContainer());
  }

  @Test
  public void aStepEnteredWhileNotInstalledSwitchesBeamsContainer() {
    MetricsEnvironment.setCurrentContainer(outside);

    MetricsContainer previous = router.route(step);
    countOne();
    router.route(previous);
    countOne();

    assertEquals(1, seen(step));
    assertEquals(1, seen(outside));
    assertSame(outside, MetricsEnvironment.getCurrentContainer());
  }

  /**
   * Installing where no container is current must not ask Beam for the current one: Beam logs an
   * error ("Unable to update metrics on the current thread") the first time it finds none, which
   * put that error in the log of every job reading Kafka (an input with no container of its own).
   */
  @Test
  public void installingWhereNoContainerIsCurrentDoesNotMakeBeamReportOneMissing()
      throws Exception {
    AtomicBoolean reported = beamsMissingContainerReport();
    boolean before = reported.getAndSet(false);
    try {
      try (Closeable routed = router.install()) {
        try (Closeable nested = router.install()) {
          MetricsContainer beforeStep = router.route(step);
          countOne();
          router.route(beforeStep);
        }
      }

      assertFalse(reported.get());
      assertEquals(1, seen(step));
    } finally {
      reported.set(before);
    }
  }

  /** Beam's once-per-JVM flag that it has logged a thread without a current container. */
  private static AtomicBoolean beamsMissingContainerReport() throws Exception {
    Field flag = MetricsEnvironment.class.getDeclaredField("REPORTED_MISSING_CONTAINER");
    flag.setAccessible(true);
    return (AtomicBoolean) flag.get(null);
  }

  @Test
  public void withNoContainerCurrentUpdatesOutsideAStepGoNowhere() throws Exception {
    try (Closeable routed = router.install()) {
      countOne();
      router.route(step);
      countOne();
    }

    assertEquals(1, seen(step));
    assertNull(MetricsEnvironment.getCurrentContainer());
  }
}
