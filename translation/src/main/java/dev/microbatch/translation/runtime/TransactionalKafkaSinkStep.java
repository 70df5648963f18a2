package dev.microbatch.translation.runtime;

import dev.microbatch.io.kafka.ConsumedOffsets;
import dev.microbatch.io.kafka.TransactionalKafkaSink;
import dev.microbatch.runner.dstream.TaskContext;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * The exactly-once Kafka sink as a step fused into the stage that produces its records, so that a
 * batch's records stream to the producer instead of being held as a stage output. Every task starts
 * the batch's transaction (the first one of the batch does); each record is sent in it, and the
 * task's count joins the batch's when it finishes.
 */
public final class TransactionalKafkaSinkStep implements Step {

  private final TransactionalKafkaSink<Object, Object> sink;
  private final TaskContext task;
  private TransactionalKafkaSink<Object, Object>.TaskSends sends;

  public TransactionalKafkaSinkStep(
      TransactionalKafkaSink<Object, Object> sink, StepEnvironment environment) {
    this.sink = sink;
    this.task = environment.task();
  }

  @Override
  public void start() throws Exception {
    sends =
        sink.beginBatch(
        task.batchTime(),
        task.batchAttribute(ConsumedOffsets.class, ConsumedOffsets::new),
        task);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) {
    KV<Object, Object> record = ((WindowedValue<KV<Object, Object>>) element).getValue();
    sends.send(record.getKey(), record.getValue());
  }

  @Override
  public void finish() {
    sends.finish();
  }
}
