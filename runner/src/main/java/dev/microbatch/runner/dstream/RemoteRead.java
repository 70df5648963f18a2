package dev.microbatch.runner.dstream;

import java.io.Serializable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.joda.time.Instant;

/**
 * The read of one input partition whose slice the driver has fixed (an offset range, a source
 * split), as a serializable task that another JVM (a cluster's executor) runs where the partition's
 * elements are consumed, so they never travel through the driver. The same slice read twice yields
 * the same elements: a task that a cluster runs again reads it again.
 */
public interface RemoteRead<T> extends Serializable {

  /** Reads the slice into {@code sink}, in the calling thread, and says what the driver must learn. */
  Report read(ElementSink<? super T> sink) throws Exception;

  /**
   * What a read tells the driver.
   *
   * @param records how many elements it delivered
   * @param watermark the partition's watermark once read
   * @param metrics what the read reported to Beam metrics
   */
  record Report(long records, Instant watermark, MetricsContainerStepMap metrics)
      implements Serializable {}
}
