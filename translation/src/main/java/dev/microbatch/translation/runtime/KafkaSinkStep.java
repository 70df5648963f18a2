package dev.microbatch.translation.runtime;

import dev.microbatch.io.kafka.KafkaSink;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.SinkMetrics;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * {@code KafkaIO.write()} as a step fused into the stage that produces its records: each record
 * goes straight to the sink's producer, and the task ends once Kafka has acknowledged all it sent.
 * Counts what it wrote in Beam's sink metric, as KafkaIO's writer does.
 */
public final class KafkaSinkStep implements Step {

  private static final MetricName ELEMENTS_WRITTEN = SinkMetrics.elementsWritten().getName();

  private final KafkaSink<Object, Object> sink;
  private final StepEnvironment environment;
  private final String stepName;
  private KafkaSink<Object, Object>.TaskWriter writer;

  public KafkaSinkStep(
      KafkaSink<Object, Object> sink, StepEnvironment environment, String stepName) {
    this.sink = sink;
    this.environment = environment;
    this.stepName = stepName;
  }

  @Override
  public void start() {
    writer = sink.writer();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) {
    WindowedValue<KV<Object, Object>> record = (WindowedValue<KV<Object, Object>>) element;
    writer.send(record.getValue().getKey(), record.getValue().getValue(), record.getTimestamp());
  }

  @Override
  public void finish() throws Exception {
    long written = writer.finish();
    environment
        .task()
        .metrics()
        .getContainer(stepName)
        .getCounter(ELEMENTS_WRITTEN)
        .inc(written);
  }
}
