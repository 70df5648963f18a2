package dev.microbatch.translation.runtime;

import java.io.Closeable;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.BoundedTrie;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Histogram;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.util.HistogramData;

/**
 * The metrics container a task makes current while its steps run, routing each update to the
 * container of the step whose code is running. Beam finds the current container in a thread-local;
 * switching that for every element entering every fused step cost about a tenth of a word count's
 * time, while switching this router's target is a field write. The task installs it around each of
 * its calls ({@link #install}); a step entered while it is not installed (a DoFn torn down after its
 * task ended) switches Beam's thread-local as before.
 */
final class MetricsRouter implements MetricsContainer {

  private MetricsContainer current;
  private MetricsContainer previous;
  private boolean installed;
  private MetricsContainer nowhere;

  /** Undoes an {@link #install}; reused, so installing allocates nothing per element. */
  private final Closeable uninstall =
      () -> {
        installed = false;
        current = null;
        MetricsEnvironment.setCurrentContainer(previous);
        previous = null;
      };

  /**
   * Makes this router the thread's current container, routing to the one that was current until a
   * step is entered, until the returned handle is closed. Installing it again while it is installed
   * (a task call made from inside another) changes nothing.
   */
  Closeable install() {
    if (installed) {
      return NOTHING;
    }
    previous = MetricsEnvironment.setCurrentContainer(this);
    current = previous;
    installed = true;
    return uninstall;
  }

  private static final Closeable NOTHING = () -> {};

  /** Routes updates to {@code container}; returns where they went before. */
  MetricsContainer route(MetricsContainer container) {
    if (!installed) {
      return MetricsEnvironment.setCurrentContainer(container);
    }
    MetricsContainer previous = current;
    current = container;
    return previous;
  }

  private MetricsContainer target() {
    MetricsContainer target = current;
    if (target == null) {
      // No container was current when the task was entered: updates go nowhere, as Beam's would.
      if (nowhere == null) {
        nowhere = new MetricsContainerImpl(null);
      }
      return nowhere;
    }
    return target;
  }

  @Override
  public Counter getCounter(MetricName metricName) {
    return target().getCounter(metricName);
  }

  @Override
  public Counter getPerWorkerCounter(MetricName metricName) {
    return target().getPerWorkerCounter(metricName);
  }

  @Override
  public Distribution getDistribution(MetricName metricName) {
    return target().getDistribution(metricName);
  }

  @Override
  public Gauge getGauge(MetricName metricName) {
    return target().getGauge(metricName);
  }

  @Override
  public org.apache.beam.sdk.metrics.StringSet getStringSet(MetricName metricName) {
    return target().getStringSet(metricName);
  }

  @Override
  public BoundedTrie getBoundedTrie(MetricName metricName) {
    return target().getBoundedTrie(metricName);
  }

  @Override
  public Histogram getHistogram(MetricName metricName, HistogramData.BucketType bucketType) {
    return target().getHistogram(metricName, bucketType);
  }
}
