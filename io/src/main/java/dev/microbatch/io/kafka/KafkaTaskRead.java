package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.RemoteRead;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;

/**
 * One batch's offset ranges of one task, read in the executor that consumes them with a consumer
 * the executor keeps ({@link ExecutorConsumers}). Each partition's timestamp policy starts from the
 * partition's watermark after the previous batch, as it does when a run resumes from a checkpoint.
 * The read reports one watermark, the least of its partitions', which the driver keeps for each of
 * them: the task's and the input's watermarks are the same as if it knew each partition's, and a
 * policy that starts from it next batch starts at or behind where its partition was.
 *
 * @param input the read's name, for messages and metrics
 * @param reading how to consume, decode and timestamp the partitions' records
 * @param slices the task's ranges, one per partition
 * @param retry how the read rides out a broker that is away
 * @param dataLoss what the read does when offsets it is to read no longer exist
 */
record KafkaTaskRead<K, V>(
    String input,
    PartitionReading<K, V> reading,
    List<Slice> slices,
    BrokerRetry retry,
    DataLoss dataLoss)
    implements RemoteRead<WindowedValue<KafkaRecord<K, V>>> {

  /**
   * One partition's part of the task.
   *
   * @param range the offsets to read, with the partition's end when the batch started
   * @param previousWatermark the partition's watermark before this batch; the start of time if none
   * @param finished the partition brings nothing more (the read stopped or delivered everything),
   *     so its watermark is the end of time
   */
  record Slice(TaskRange range, Instant previousWatermark, boolean finished)
      implements Serializable {}

  KafkaTaskRead {
    slices = List.copyOf(slices);
  }

  @Override
  public Report read(ElementSink<? super WindowedValue<KafkaRecord<K, V>>> sink)
      throws Exception {
    ExecutorConsumers consumers = ExecutorConsumers.ofThisJvm();
    List<TopicPartition> partitions =
        slices.stream().map(slice -> slice.range().range().partition()).toList();
    TaskConsumer consumer = consumers.borrow(partitions, reading);
    MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    Map<TopicPartition, PartitionReader<K, V>> readers = new HashMap<>();
    long records;
    try {
      for (Slice slice : slices) {
        TopicPartition partition = slice.range().range().partition();
        Optional<Instant> previous =
            slice.previousWatermark().equals(BoundedWindow.TIMESTAMP_MIN_VALUE)
                ? Optional.empty()
                : Optional.of(slice.previousWatermark());
        readers.put(partition, new PartitionReader<>(reading, partition, previous));
      }
      records =
          new TaskReader<>(consumer, readers::get, retry, dataLoss)
              .read(
                  metrics,
                  slices.stream().map(Slice::range).toList(),
                  sink,
                  OnUndecodable.fail(reading.topics()));
    } catch (Exception | Error e) {
      // A consumer whose read failed part-way may hold a fetch in flight or a broken connection.
      consumer.close();
      throw e;
    }
    consumers.giveBack(consumer, reading);
    Instant watermark = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Slice slice : slices) {
      Instant own =
          slice.finished()
              ? BoundedWindow.TIMESTAMP_MAX_VALUE
              : readers.get(slice.range().range().partition()).watermark();
      watermark = own.isBefore(watermark) ? own : watermark;
    }
    return new Report(records, watermark, metrics);
  }
}
