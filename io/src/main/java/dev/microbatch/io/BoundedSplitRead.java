package dev.microbatch.io;

import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.RemoteRead;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Whole bounded-source splits read in another JVM, one after another into one partition: once
 * read, they are done, so the partition's watermark is the end of time. The source's metrics go
 * under the read's step name.
 *
 * @param step the read's step name
 * @param splits the splits to read
 * @param options the pipeline's options, for the source's readers
 */
record BoundedSplitRead<T>(
    String step, List<BoundedSource<T>> splits, SerializablePipelineOptions options)
    implements RemoteRead<WindowedValue<T>> {

  BoundedSplitRead {
    splits = List.copyOf(splits);
  }

  @Override
  public Report read(ElementSink<? super WindowedValue<T>> sink) throws Exception {
    MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    long records =
        SourceMetrics.scopedIn(
            metrics,
            step,
            () -> {
              long read = 0;
              for (BoundedSource<T> split : splits) {
                read += new SplitReader<>(split, options.get(), false).read(-1, sink);
              }
              return read;
            });
    return new Report(records, BoundedWindow.TIMESTAMP_MAX_VALUE, metrics);
  }
}
