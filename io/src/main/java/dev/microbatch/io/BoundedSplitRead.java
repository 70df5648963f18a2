package dev.microbatch.io;

import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.RemoteRead;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A whole bounded-source split read in another JVM: once read, the split is done, so its
 * partition's watermark is the end of time. The source's metrics go under the read's step name.
 *
 * @param step the read's step name
 * @param split the split to read
 * @param options the pipeline's options, for the source's reader
 */
record BoundedSplitRead<T>(
    String step, BoundedSource<T> split, SerializablePipelineOptions options)
    implements RemoteRead<WindowedValue<T>> {

  @Override
  public Report read(ElementSink<? super WindowedValue<T>> sink) throws Exception {
    MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    long records =
        SourceMetrics.scopedIn(
            metrics, step, () -> new SplitReader<>(split, options.get(), false).read(-1, sink));
    return new Report(records, BoundedWindow.TIMESTAMP_MAX_VALUE, metrics);
  }
}
