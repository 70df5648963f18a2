package dev.microbatch.translation.kafka;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * A streaming Kafka job fed faster than it can process: a backlog is waiting when it starts, and a
 * producer then adds at {@code producedPerSecond}, while every record costs {@code costPerRecord}
 * in one task per partition. The job is watched for {@code observe}, then cancelled; what every
 * completed batch reported is returned.
 *
 * @param partitions partitions of the topic, and tasks of the job
 * @param costPerRecord what one record costs a task: the job processes {@code partitions /
 *     costPerRecord} records per second
 * @param batchIntervalMillis the batch interval
 * @param backlog records waiting before the job starts
 * @param producedPerSecond the rate the producer adds records at while the job runs
 * @param produced how many records the producer adds in all
 * @param observe how long the job runs at most before it is cancelled
 * @param enough whether the batches completed so far have shown enough to cancel the job sooner
 */
record Overload(
    int partitions,
    Duration costPerRecord,
    long batchIntervalMillis,
    long backlog,
    double producedPerSecond,
    long produced,
    Duration observe,
    Predicate<List<BatchRecorder.Batch>> enough) {

  /** Records per second the job can process. */
  double capacity() {
    return partitions * 1e9 / costPerRecord.toNanos();
  }

  /** Runs the job on a new topic of {@code topics}, with or without backpressure. */
  List<BatchRecorder.Batch> run(NumberTopics topics, String topic, boolean backpressure)
      throws Exception {
    topics.create(topic, partitions);
    topics.produce(topic, partitions, backlog);
    MicroBatchPipelineOptions options = JobOptions.streaming(batchIntervalMillis, partitions);
    options.setBackpressure(backpressure);
    Pipeline p = Pipeline.create(options);
    p.apply(topics.read(topic, topic + "-reader").withoutMetadata())
        .apply(ParDo.of(new FixedCostPerRecord<>(costPerRecord)));
    BatchRecorder recorder = new BatchRecorder();
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    result.addStreamingListener(recorder);
    // Started once the job runs, so that the first batch holds the backlog and not also what
    // arrived while the job was being set up.
    try (SteadyProducer producer =
        new SteadyProducer(topics, topic, partitions, backlog, produced, producedPerSecond)) {
      producer.start();
      recorder.await(enough, observe);
      result.cancel();
    }
    return recorder.batches();
  }
}
