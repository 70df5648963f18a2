package dev.microbatch.spark.plan;

import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.ElementsCodec;
import dev.microbatch.runner.dstream.RemoteRead;
import java.util.List;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.joda.time.Instant;

/**
 * A partition the driver read itself (it cannot be read elsewhere), sent to the executor that
 * consumes it as its elements' coder bytes.
 */
record ShippedElements(EncodedPartition partition, ElementsCodec<Object> codec)
    implements RemoteRead<Object> {

  @Override
  public Report read(ElementSink<? super Object> sink) throws Exception {
    List<Object> elements = codec.decode(partition.elements());
    for (Object element : elements) {
      sink.accept(element);
    }
    return new Report(
        elements.size(), new Instant(partition.watermarkMillis()), new MetricsContainerStepMap());
  }
}
