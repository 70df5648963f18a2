package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.ElementSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Reads one task's offset ranges, one per partition, with the task's consumer: every poll fetches
 * from all partitions whose range is not yet read (so one task keeps several partitions' records
 * flowing, as Kafka's own consumers do), and each partition's records go to its {@link
 * PartitionReader}. While the broker is away, the read waits on from the offsets it reached (see
 * {@link BrokerRetry}): the records it delivered stay delivered, none comes twice.
 */
final class TaskReader<K, V> {

  private static final Duration POLL = Duration.ofMillis(100);

  private final TaskConsumer taskConsumer;
  private final Consumer<byte[], byte[]> consumer;
  private final Function<TopicPartition, PartitionReader<K, V>> readers;
  private final BrokerRetry retry;
  private final DataLoss dataLoss;

  /**
   * @param consumer the task's consumer, which this reads with but does not own
   * @param readers each partition's reader
   */
  TaskReader(
      TaskConsumer consumer,
      Function<TopicPartition, PartitionReader<K, V>> readers,
      BrokerRetry retry,
      DataLoss dataLoss) {
    this.taskConsumer = consumer;
    this.consumer = consumer.consumer();
    this.readers = readers;
    this.retry = retry;
    this.dataLoss = dataLoss;
  }

  /**
   * Reads {@code ranges} into {@code sink} and returns the number of records delivered; a record
   * that cannot be deserialized goes to {@code onUndecodable} instead. Lost offsets are counted in
   * {@code metrics}.
   */
  long read(
      MetricsContainerStepMap metrics,
      List<TaskRange> ranges,
      ElementSink<? super WindowedValue<KafkaRecord<K, V>>> sink,
      OnUndecodable onUndecodable)
      throws Exception {
    List<PartitionReader<K, V>.RangeRead> reads = new ArrayList<>(ranges.size());
    Map<TopicPartition, PartitionReader<K, V>.RangeRead> open = new LinkedHashMap<>();
    for (TaskRange task : ranges) {
      OffsetRange range = task.range();
      PartitionReader<K, V>.RangeRead read =
          readers.apply(range.partition()).begin(range, task.latestOffset());
      reads.add(read);
      if (range.size() > 0) {
        taskConsumer.positionAt(range.partition(), range.from());
        open.put(range.partition(), read);
      }
    }
    taskConsumer.fetchOnly(open.keySet());
    BrokerRetry.Outage outage = retry.waitFor("reading " + describe(open));
    while (!open.isEmpty()) {
      ConsumerRecords<byte[], byte[]> polled;
      try {
        polled = consumer.poll(POLL);
      } catch (RetriableException e) {
        // A fetch failed (a leader moving, a broker restarting); the consumer stays where it was.
        polled = ConsumerRecords.empty();
      } catch (OffsetOutOfRangeException e) {
        for (TopicPartition partition : e.partitions()) {
          PartitionReader<K, V>.RangeRead read = open.get(partition);
          if (read != null) {
            long resumeAt = resumeAfterLoss(metrics, read.range());
            consumer.seek(partition, resumeAt);
            read.resumeAt(resumeAt);
          }
        }
        closeRead(open);
        continue;
      }
      if (polled.isEmpty()) {
        outage.stillWaiting("at " + describe(open));
        continue;
      }
      outage.over();
      for (TopicPartition partition : polled.partitions()) {
        PartitionReader<K, V>.RangeRead read = open.get(partition);
        if (read != null) {
          read.deliver(polled.records(partition), consumer, sink, onUndecodable);
        }
      }
      closeRead(open);
    }
    long delivered = 0;
    for (PartitionReader<K, V>.RangeRead read : reads) {
      delivered += read.finish();
    }
    return delivered;
  }

  /** Stops fetching the partitions whose consumer reached the end of their range. */
  private void closeRead(Map<TopicPartition, PartitionReader<K, V>.RangeRead> open) {
    for (Iterator<PartitionReader<K, V>.RangeRead> it = open.values().iterator(); it.hasNext(); ) {
      OffsetRange range = it.next().range();
      // Compaction and transaction markers leave offsets without records: the position, not the
      // last record's offset, says when the range is read.
      if (consumer.position(range.partition()) >= range.until()) {
        taskConsumer.done(range.partition());
        it.remove();
      }
    }
  }

  private String describe(Map<TopicPartition, PartitionReader<K, V>.RangeRead> open) {
    return open.values().stream()
        .map(
            read ->
                read.range()
                    + (consumer.position(read.range().partition()) == read.range().from()
                        ? ""
                        : " at offset " + consumer.position(read.range().partition())))
        .collect(Collectors.joining(", "));
  }

  /**
   * Where to go on when the offset the consumer stands at no longer exists: before the log start
   * (retention), or past the end (the broker was replaced while reading).
   */
  private long resumeAfterLoss(MetricsContainerStepMap metrics, OffsetRange range)
      throws Exception {
    TopicPartition partition = range.partition();
    long expected = consumer.position(partition);
    List<TopicPartition> one = List.of(partition);
    long start =
        retry.call("asking for the log start of " + partition, () -> consumer.beginningOffsets(one))
            .get(partition);
    long end =
        retry.call("asking for the end of " + partition, () -> consumer.endOffsets(one))
            .get(partition);
    if (expected > end) {
      // Only this range's end is left to go to: the slice is fixed.
      dataLoss.pastTheEnd(metrics, partition, expected, start, end);
      return range.until();
    }
    return dataLoss.beforeTheStart(metrics, partition, expected, start, range.until());
  }
}
