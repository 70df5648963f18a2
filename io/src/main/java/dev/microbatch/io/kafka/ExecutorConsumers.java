package dev.microbatch.io.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumers of the Kafka tasks read in this JVM when it is a cluster's executor, kept between
 * batches (as Spark's executors cache their Kafka consumers), so that a task's partitions, when
 * read here again, continue from where their consumer stands. A consumer is lent to one read at a
 * time and returned after it; two reads of the same partitions at once (a retried task beside the
 * original) each get their own. Consumers idle for longer than {@link #IDLE_LIMIT_NANOS} (their
 * task moved to another executor, or their run ended) are closed when a consumer is next borrowed.
 *
 * <p>The cache is one per JVM because executors outlive the tasks that read: it belongs to the
 * executor process, not to a run. Consumers are keyed by the read's consumer settings as well as
 * the partitions, so runs with other settings never share one.
 */
final class ExecutorConsumers {

  static final long IDLE_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(5);

  private static final ExecutorConsumers INSTANCE = new ExecutorConsumers(System::nanoTime);

  private record Key(
      Map<String, Object> config, String factory, List<TopicPartition> partitions) {}

  private record Idle(TaskConsumer consumer, long since) {}

  private final LongSupplier nanoTime;
  private final Map<Key, Deque<Idle>> idle = new HashMap<>();

  ExecutorConsumers(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** This JVM's cache. */
  static ExecutorConsumers ofThisJvm() {
    return INSTANCE;
  }

  /** A consumer of {@code partitions} for {@code reading}: an idle one, else a new one. */
  TaskConsumer borrow(List<TopicPartition> partitions, PartitionReading<?, ?> reading) {
    List<TaskConsumer> expired = new ArrayList<>();
    TaskConsumer found = null;
    synchronized (idle) {
      long now = nanoTime.getAsLong();
      for (Iterator<Deque<Idle>> all = idle.values().iterator(); all.hasNext(); ) {
        Deque<Idle> consumers = all.next();
        consumers.removeIf(
            consumer -> {
              boolean old = now - consumer.since() > IDLE_LIMIT_NANOS;
              if (old) {
                expired.add(consumer.consumer());
              }
              return old;
            });
        if (consumers.isEmpty()) {
          all.remove();
        }
      }
      Deque<Idle> ready = idle.get(keyOf(partitions, reading));
      if (ready != null && !ready.isEmpty()) {
        found = ready.pop().consumer();
      }
    }
    // Closing talks to the broker: not while others wait for the cache.
    expired.forEach(TaskConsumer::close);
    return found != null ? found : TaskConsumer.open(partitions, reading);
  }

  /** Takes back a consumer after a read that went well; it may be lent again. */
  void giveBack(TaskConsumer consumer, PartitionReading<?, ?> reading) {
    synchronized (idle) {
      idle.computeIfAbsent(keyOf(consumer.partitions(), reading), key -> new ArrayDeque<>())
          .push(new Idle(consumer, nanoTime.getAsLong()));
    }
  }

  /** How many consumers wait to be lent again. */
  int idleCount() {
    synchronized (idle) {
      return idle.values().stream().mapToInt(Deque::size).sum();
    }
  }

  private static Key keyOf(List<TopicPartition> partitions, PartitionReading<?, ?> reading) {
    return new Key(
        reading.byteConsumerConfig(),
        reading.consumerFactory().getClass().getName(),
        List.copyOf(partitions));
  }
}
