package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.RemoteRead;
import java.util.Optional;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * One batch's offset range of one partition, read in the executor that consumes it with a consumer
 * the executor keeps ({@link ExecutorConsumers}). The timestamp policy starts from the partition's
 * watermark after the previous batch, as it does when a run resumes from a checkpoint; the read
 * reports the partition's new watermark, which the driver keeps for the next batch.
 *
 * @param input the read's name, for messages and metrics
 * @param reading how to consume, decode and timestamp the partition's records
 * @param range the offsets to read
 * @param latestOffset the partition's end when the batch started, for the policy's backlog
 * @param previousWatermark the partition's watermark before this batch; the start of time if none
 * @param finished the partition brings nothing more (the read stopped or delivered everything), so
 *     its watermark is the end of time
 * @param retry how the read rides out a broker that is away
 * @param dataLoss what the read does when offsets it is to read no longer exist
 */
record KafkaRangeRead<K, V>(
    String input,
    PartitionReading<K, V> reading,
    OffsetRange range,
    long latestOffset,
    Instant previousWatermark,
    boolean finished,
    BrokerRetry retry,
    DataLoss dataLoss)
    implements RemoteRead<WindowedValue<KafkaRecord<K, V>>> {

  @Override
  public Report read(ElementSink<? super WindowedValue<KafkaRecord<K, V>>> sink)
      throws Exception {
    ExecutorConsumers consumers = ExecutorConsumers.ofThisJvm();
    PartitionConsumer consumer = consumers.borrow(range.partition(), reading);
    MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    long records;
    PartitionReader<K, V> reader;
    try {
      Optional<Instant> previous =
          previousWatermark.equals(BoundedWindow.TIMESTAMP_MIN_VALUE)
              ? Optional.empty()
              : Optional.of(previousWatermark);
      reader = new PartitionReader<>(reading, consumer, retry, dataLoss, previous);
      records = reader.read(metrics, range, latestOffset, sink, OnUndecodable.fail(reading.topics()));
    } catch (Exception | Error e) {
      // A consumer whose read failed part-way may hold a fetch in flight or a broken connection.
      consumer.close();
      throw e;
    }
    consumers.giveBack(consumer, reading);
    Instant watermark = finished ? BoundedWindow.TIMESTAMP_MAX_VALUE : reader.watermark();
    return new Report(records, watermark, metrics);
  }
}
