package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.ElementSink;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.InputRecovery;
import dev.microbatch.runner.dstream.Partition;
import dev.microbatch.runner.dstream.RemoteRead;
import dev.microbatch.runner.dstream.RemoteReadable;
import dev.microbatch.runner.rate.RateLimit;
import dev.microbatch.runner.scheduler.BatchDetails.SliceInfo;
import dev.microbatch.runner.scheduler.StreamingListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;

/**
 * Kafka read directly, batch by batch, as exact offset ranges (Spark Streaming's direct stream).
 *
 * <p>When a batch starts, this input asks the broker for the partitions of its topics (new ones are
 * appended) and their latest offsets, and fixes one {@link OffsetRange} per partition: from where
 * the last committed batch stopped, up to the latest offset or the per-batch bound. The ranges are
 * dealt to as many tasks as the engine runs at once (partition {@code i} to task {@code i mod
 * tasks}, as KafkaIO splits its partitions among a runner's readers), and a task reads its ranges
 * together with one consumer it keeps for them across batches: its polls fetch from all its
 * partitions at once and the records of all flow on, as with Kafka's own consumers, rather than
 * partition after partition (a stage that writes to Kafka then writes to as many partitions at once
 * as there are, and Kafka's requests carry a batch for each). Only once the batch has committed do
 * the ranges become the new positions, and are the offsets committed to the consumer group (so that
 * Kafka's tools show the lag). A partition seen for the first time starts at the group's committed
 * offset, else at {@code startReadTime}, else where {@code auto.offset.reset} says. With a stop
 * read time, each partition stops at its {@link StopOffsets stop offset}, and the input is
 * exhausted once all have reached theirs.
 */
public final class KafkaInputDStream<K, V> extends InputDStream<WindowedValue<KafkaRecord<K, V>>> {

  private final KafkaReadSpec<K, V> spec;
  private final long maxRecordsPerPartition;
  private final RateLimit rateLimit;
  private final Optional<BadRecordOutput> badRecords;
  private final StopOffsets stops;
  private final StopConditions stopConditions;
  private final BrokerRetry retry;
  private final DataLoss dataLoss;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final PartitionReading<K, V> reading;
  private final Map<TopicPartition, PartitionReader<K, V>> readers = new HashMap<>();
  /** Each task's consumer, by the partitions it reads. */
  private final Map<List<TopicPartition>, TaskConsumer> consumers = new HashMap<>();
  /** Each partition's watermark after the last batch that read it, wherever it was read. */
  private final Map<TopicPartition, Instant> watermarks = new ConcurrentHashMap<>();
  private KafkaMetadata metadata;
  private long delivered;
  private List<OffsetRange> inFlight = List.of();
  private Optional<List<OffsetRange>> replay = Optional.empty();

  /**
   * @param maxRecordsPerPartition most records one partition contributes to one batch; -1 for no
   *     bound
   * @param rateLimit the rate bound per partition (fixed, or learnt by backpressure)
   * @param badRecords where records that cannot be deserialized go; without it they fail the batch
   * @param retry how calls to the broker and reads ride out a broker that is away
   * @param dataLoss what happens when offsets to be read no longer exist
   */
  public KafkaInputDStream(
      String name,
      KafkaReadSpec<K, V> spec,
      long maxRecordsPerPartition,
      RateLimit rateLimit,
      Optional<BadRecordOutput> badRecords,
      BrokerRetry retry,
      DataLoss dataLoss) {
    super(name);
    this.spec = spec;
    this.reading = spec.partitionReading();
    this.maxRecordsPerPartition = maxRecordsPerPartition;
    this.rateLimit = rateLimit;
    this.badRecords = badRecords;
    this.stops = new StopOffsets(spec.stopReadTime());
    this.stopConditions = new StopConditions(spec.maxReadTime(), spec.checkStopReading());
    this.retry = retry;
    this.dataLoss = dataLoss;
  }

  @Override
  public Optional<StreamingListener> batchListener() {
    return rateLimit.backpressure().map(controller -> controller);
  }

  @Override
  protected BatchResult<WindowedValue<KafkaRecord<K, V>>> compute(BatchContext batch)
      throws Exception {
    discoverPartitions();
    Instant endsAskedAt = Instant.now();
    Map<TopicPartition, Long> latest = metadata().endOffsets(partitions);
    stops.resolve(partitions, latest, endsAskedAt, metadata());
    stopConditions.batchStarts(endsAskedAt);
    List<OffsetRange> ranges =
        withinTheLogs(batch, replay.orElseGet(() -> rangesUpTo(latest)), latest);
    replay = Optional.empty();
    inFlight = ranges;
    batch.addSlices(
        ranges.stream()
            .map(
                r ->
                    new SliceInfo(
                        id(),
                        r.partition().toString(),
                        r.from(),
                        r.until(),
                        Math.max(r.until(), latest.getOrDefault(r.partition(), r.until())),
                        perPartitionBound()))
            .toList());
    ConsumedOffsets consumed = batch.attribute(ConsumedOffsets.class, ConsumedOffsets::new);
    spec.groupId().ifPresent(group -> consumed.add(group, ranges));
    List<List<TaskRange>> tasks = dealt(ranges, latest, batch.executor().parallelism());
    closeConsumersOtherThan(tasks);
    badRecords.ifPresent(output -> output.startBatch(batch.time(), tasks.size()));
    List<Partition<WindowedValue<KafkaRecord<K, V>>>> out = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      List<TaskRange> task = tasks.get(i);
      if (badRecords.isPresent()) {
        // The undecodable records go to the bad-record output, which lives in this JVM.
        OnUndecodable collector = badRecords.get().collectorFor(i);
        out.add(sink -> readHere(batch, task, sink, collector));
      } else {
        out.add(new TaskPartition(batch, task));
      }
    }
    batch.onCommit(() -> committed(ranges, consumed.committedInTransaction()));
    return BatchResult.readLazily(
        out, index -> taskWatermark(tasks.get(index)), this::watermark);
  }

  /**
   * The ranges dealt to at most {@code parallelism} tasks, range {@code i} to task {@code i mod
   * tasks}: a partition stays with its task from batch to batch (ranges come in the partitions'
   * order), so its consumer stands where its next range starts.
   */
  private static List<List<TaskRange>> dealt(
      List<OffsetRange> ranges, Map<TopicPartition, Long> latest, int parallelism) {
    int count = Math.min(ranges.size(), Math.max(1, parallelism));
    List<List<TaskRange>> tasks = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      tasks.add(new ArrayList<>());
    }
    for (int i = 0; i < ranges.size(); i++) {
      OffsetRange range = ranges.get(i);
      long end = Math.max(range.until(), latest.getOrDefault(range.partition(), range.until()));
      tasks.get(i % count).add(new TaskRange(range, end));
    }
    return tasks.stream().map(List::copyOf).toList();
  }

  /** The least watermark of the task's partitions. */
  private Instant taskWatermark(List<TaskRange> task) {
    Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (TaskRange range : task) {
      Instant watermark = partitionWatermark(range.range().partition());
      min = watermark.isBefore(min) ? watermark : min;
    }
    return min;
  }

  /** Reads {@code task}'s ranges in this JVM with its consumer and the partitions' readers. */
  private void readHere(
      BatchContext batch,
      List<TaskRange> task,
      ElementSink<? super WindowedValue<KafkaRecord<K, V>>> sink,
      OnUndecodable onUndecodable)
      throws Exception {
    MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    try {
      long count =
          new TaskReader<K, V>(consumerOf(task), this::readerOf, retry, dataLoss)
              .read(metrics, task, sink, onUndecodable);
      batch.addRecordsIn(name(), count);
    } finally {
      for (TaskRange range : task) {
        PartitionReader<K, V> reader = readerOf(range.range().partition());
        watermarks.put(reader.partition(), reader.watermark());
      }
      batch.addTaskMetrics(metrics);
    }
  }

  /**
   * A task's ranges without a bad-record output: read here, or by a cluster backend in the executor
   * that consumes them, which reports the records it read and the task's new watermark.
   */
  private final class TaskPartition implements RemoteReadable<WindowedValue<KafkaRecord<K, V>>> {
    private final BatchContext batch;
    private final List<TaskRange> task;

    TaskPartition(BatchContext batch, List<TaskRange> task) {
      this.batch = batch;
      this.task = task;
    }

    @Override
    public void forEach(ElementSink<? super WindowedValue<KafkaRecord<K, V>>> sink)
        throws Exception {
      readHere(batch, task, sink, OnUndecodable.fail(spec.describeTopics()));
    }

    @Override
    public RemoteRead<WindowedValue<KafkaRecord<K, V>>> remoteRead() {
      List<KafkaTaskRead.Slice> slices = new ArrayList<>(task.size());
      for (TaskRange range : task) {
        TopicPartition partition = range.range().partition();
        slices.add(
            new KafkaTaskRead.Slice(
                range,
                watermarks.getOrDefault(partition, BoundedWindow.TIMESTAMP_MIN_VALUE),
                finished(partition)));
      }
      return new KafkaTaskRead<>(name(), reading, slices, retry, dataLoss);
    }

    @Override
    public void readElsewhere(RemoteRead.Report report) {
      for (TaskRange range : task) {
        TopicPartition partition = range.range().partition();
        if (!finished(partition)) {
          // A finished partition's watermark is the end of time, not its policy's.
          watermarks.put(partition, report.watermark());
        }
      }
      batch.addRecordsIn(name(), report.records());
      batch.addTaskMetrics(report.metrics());
    }
  }

  /** Most records one partition may deliver in this batch; -1 for no bound. */
  private long perPartitionBound() {
    return bound(maxRecordsPerPartition, rateLimit.maxRecordsPerPartition(partitions.size()));
  }

  /**
   * {@code ranges}, with each one that reaches past its partition's end (offsets that no longer
   * exist) failed or, if data loss is allowed, replaced by an empty range where the read goes on.
   */
  private List<OffsetRange> withinTheLogs(
      BatchContext batch, List<OffsetRange> ranges, Map<TopicPartition, Long> latest)
      throws Exception {
    List<OffsetRange> checked = new ArrayList<>(ranges.size());
    for (OffsetRange range : ranges) {
      long end = latest.getOrDefault(range.partition(), range.until());
      if (range.until() <= end) {
        checked.add(range);
        continue;
      }
      long start = metadata().beginningOffsets(List.of(range.partition())).get(range.partition());
      MetricsContainerStepMap metrics = new MetricsContainerStepMap();
      long resumeAt = dataLoss.pastTheEnd(metrics, range.partition(), range.from(), start, end);
      batch.addTaskMetrics(metrics);
      checked.add(new OffsetRange(range.partition(), resumeAt, resumeAt));
    }
    return checked;
  }

  /** This batch's ranges: each partition from its position, bounded per partition and in all. */
  private List<OffsetRange> rangesUpTo(Map<TopicPartition, Long> latest) {
    long remaining = spec.maxNumRecords() - delivered;
    long perPartition = perPartitionBound();
    List<OffsetRange> ranges = new ArrayList<>(partitions.size());
    for (TopicPartition partition : partitions) {
      long from = positions.get(partition);
      if (stopConditions.stops(partition)) {
        ranges.add(new OffsetRange(partition, from, from));
        continue;
      }
      long until =
          Math.max(from, Math.min(latest.getOrDefault(partition, from), stops.bound(partition)));
      // Bounds are compared as counts, not as from + bound: a large bound would overflow the sum.
      if (perPartition > 0) {
        until = from + Math.min(until - from, perPartition);
      }
      until = from + Math.min(until - from, Math.max(0, remaining));
      remaining -= until - from;
      ranges.add(new OffsetRange(partition, from, until));
    }
    return ranges;
  }

  /** The smaller of two bounds where -1 means none. */
  private static long bound(long a, long b) {
    if (a < 0) {
      return b;
    }
    return b < 0 ? a : Math.min(a, b);
  }

  /** The batch has committed: its ranges are consumed, and the group learns the new offsets. */
  private void committed(List<OffsetRange> ranges, boolean offsetsCommittedBySink)
      throws InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    for (OffsetRange range : ranges) {
      positions.put(range.partition(), range.until());
      delivered += range.size();
      if (range.size() > 0) {
        offsets.put(range.partition(), new OffsetAndMetadata(range.until()));
      }
    }
    if (spec.commitOffsets()
        && spec.groupId().isPresent()
        && !offsets.isEmpty()
        && !offsetsCommittedBySink) {
      metadata().commitSync(offsets);
    }
  }

  private Instant watermark() {
    Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (TopicPartition partition : partitions) {
      Instant watermark = partitionWatermark(partition);
      if (watermark.isBefore(min)) {
        min = watermark;
      }
    }
    return partitions.isEmpty() && !hasDeliveredEverything()
        ? BoundedWindow.TIMESTAMP_MIN_VALUE
        : min;
  }

  /**
   * A partition's watermark as its timestamp policy sees it; the end once all is delivered, or once
   * the partition has stopped (it brings nothing more, so it holds no window back).
   */
  private Instant partitionWatermark(TopicPartition partition) {
    return finished(partition)
        ? BoundedWindow.TIMESTAMP_MAX_VALUE
        : watermarks.getOrDefault(partition, BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** True when {@code partition} brings nothing more: it stopped, or all is delivered. */
  private boolean finished(TopicPartition partition) {
    return hasDeliveredEverything() || stopConditions.hasStopped(partition);
  }

  /** Finds the partitions to read; new ones are appended, in topic and partition order. */
  private void discoverPartitions() throws InterruptedException {
    Set<TopicPartition> found =
        new TreeSet<>(
            java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
    if (!spec.topicPartitions().isEmpty()) {
      found.addAll(spec.topicPartitions());
    } else if (spec.topicPattern().isPresent()) {
      for (Map.Entry<String, List<PartitionInfo>> topic : metadata().listTopics().entrySet()) {
        if (spec.topicPattern().get().matcher(topic.getKey()).matches()) {
          topic.getValue().forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
        }
      }
    } else {
      for (String topic : spec.topics()) {
        List<PartitionInfo> infos = metadata().partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException(
              "Kafka topic '" + topic + "' does not exist (read by " + name() + ")");
        }
        infos.forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
      }
    }
    List<TopicPartition> added = new ArrayList<>();
    for (TopicPartition partition : found) {
      if (!positions.containsKey(partition)) {
        added.add(partition);
      }
    }
    if (!added.isEmpty()) {
      positions.putAll(startOffsets(added));
      partitions.addAll(added);
    }
  }

  /** Group's committed offsets, else offsets at the start time, else auto.offset.reset. */
  private Map<TopicPartition, Long> startOffsets(List<TopicPartition> added)
      throws InterruptedException {
    Map<TopicPartition, Long> start = new HashMap<>();
    if (spec.groupId().isPresent()) {
      metadata()
          .committed(Set.copyOf(added))
          .forEach(
              (partition, offset) -> {
                if (offset != null) {
                  start.put(partition, offset.offset());
                }
              });
    }
    List<TopicPartition> rest = added.stream().filter(p -> !start.containsKey(p)).toList();
    if (rest.isEmpty()) {
      return start;
    }
    if (spec.startReadTime().isPresent()) {
      Map<TopicPartition, Long> times = new HashMap<>();
      rest.forEach(p -> times.put(p, spec.startReadTime().get().getMillis()));
      Map<TopicPartition, Long> ends = metadata().endOffsets(rest);
      for (Map.Entry<TopicPartition, OffsetAndTimestamp> found :
          metadata().offsetsForTimes(times).entrySet()) {
        start.put(
            found.getKey(),
            found.getValue() == null ? ends.get(found.getKey()) : found.getValue().offset());
      }
      return start;
    }
    Object reset = spec.consumerConfig().get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
    start.putAll(
        "earliest".equals(String.valueOf(reset))
            ? metadata().beginningOffsets(rest)
            : metadata().endOffsets(rest));
    return start;
  }

  private PartitionReader<K, V> readerOf(TopicPartition partition) {
    synchronized (readers) {
      return readers.computeIfAbsent(
          partition,
          p -> new PartitionReader<>(reading, p, Optional.ofNullable(watermarks.get(p))));
    }
  }

  private TaskConsumer consumerOf(List<TaskRange> task) {
    synchronized (readers) {
      return consumers.computeIfAbsent(partitionsOf(task), p -> TaskConsumer.open(p, reading));
    }
  }

  private static List<TopicPartition> partitionsOf(List<TaskRange> task) {
    return task.stream().map(range -> range.range().partition()).toList();
  }

  /**
   * Closes the consumers of partitions dealt otherwise now (new partitions were found), before this
   * batch's tasks run: no task of an earlier batch uses them any more.
   */
  private void closeConsumersOtherThan(List<List<TaskRange>> tasks) {
    Set<List<TopicPartition>> current = new HashSet<>();
    for (List<TaskRange> task : tasks) {
      current.add(partitionsOf(task));
    }
    synchronized (readers) {
      consumers.entrySet().removeIf(
          entry -> {
            boolean stale = !current.contains(entry.getKey());
            if (stale) {
              entry.getValue().close();
            }
            return stale;
          });
    }
  }

  private KafkaMetadata metadata() {
    if (metadata == null) {
      metadata = new KafkaMetadata(spec, retry);
    }
    return metadata;
  }

  @Override
  protected void close() {
    synchronized (readers) {
      consumers.values().forEach(TaskConsumer::close);
      consumers.clear();
      readers.clear();
    }
    if (metadata != null) {
      metadata.close();
      metadata = null;
    }
    stopConditions.close();
  }

  @Override
  public Optional<InputRecovery> recovery() {
    return Optional.of(
        new InputRecovery() {
          @Override
          public byte[] positionAfterBatch() throws IOException {
            Map<TopicPartition, Long> after = new HashMap<>(positions);
            long total = delivered;
            for (OffsetRange range : inFlight) {
              after.put(range.partition(), range.until());
              total += range.size();
            }
            List<OffsetRange> at = new ArrayList<>(partitions.size());
            List<Instant> watermarks = new ArrayList<>(partitions.size());
            for (TopicPartition partition : partitions) {
              long offset = after.get(partition);
              at.add(new OffsetRange(partition, offset, offset));
              watermarks.add(
                  KafkaInputDStream.this.watermarks.getOrDefault(
                      partition, BoundedWindow.TIMESTAMP_MIN_VALUE));
            }
            return new KafkaPositions(at, watermarks, total).encode();
          }

          @Override
          public void restorePosition(byte[] position) throws IOException {
            KafkaPositions restored = KafkaPositions.decode(position);
            partitions.clear();
            positions.clear();
            for (int i = 0; i < restored.ranges().size(); i++) {
              TopicPartition partition = restored.ranges().get(i).partition();
              partitions.add(partition);
              positions.put(partition, restored.ranges().get(i).from());
              KafkaInputDStream.this.watermarks.put(partition, restored.watermarks().get(i));
            }
            delivered = restored.delivered();
          }

          @Override
          public byte[] slice() throws IOException {
            return new KafkaPositions(inFlight, List.of(), delivered).encode();
          }

          @Override
          public void replay(byte[] slice) throws IOException {
            List<OffsetRange> ranges = KafkaPositions.decode(slice).ranges();
            for (OffsetRange range : ranges) {
              if (!positions.containsKey(range.partition())) {
                partitions.add(range.partition());
              }
              positions.put(range.partition(), range.from());
            }
            replay = Optional.of(ranges);
          }
        });
  }

  @Override
  protected boolean hasDeliveredEverything() {
    return delivered >= spec.maxNumRecords()
        || stops.reachedBy(partitions, positions)
        || stopConditions.allStopped(partitions);
  }
}
