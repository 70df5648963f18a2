package dev.microbatch.translation.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Produces numbers to a topic at a steady rate on a thread of its own until a fixed count is sent
 * or it is closed, so that a spec can overload a pipeline for a known time. It catches up after a
 * stall (a busy machine) rather than falling behind the rate, and never sends more than its count.
 */
final class SteadyProducer implements AutoCloseable {

  private static final Duration TICK = Duration.ofMillis(10);

  private final KafkaProducer<String, Long> producer;
  private final String topic;
  private final int partitions;
  private final long from;
  private final long count;
  private final double recordsPerMilli;
  private final AtomicLong sent = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  /** Sends the numbers {@code [from, from + count)} at {@code recordsPerSecond}. */
  SteadyProducer(
      NumberTopics topics,
      String topic,
      int partitions,
      long from,
      long count,
      double recordsPerSecond) {
    this.producer = topics.producer();
    this.topic = topic;
    this.partitions = partitions;
    this.from = from;
    this.count = count;
    this.recordsPerMilli = recordsPerSecond / 1000;
    this.thread = new Thread(this::run, "steady-producer-" + topic);
    thread.setDaemon(true);
  }

  SteadyProducer start() {
    thread.start();
    return this;
  }

  /** Numbers handed to the producer so far. */
  long sent() {
    return sent.get();
  }

  private void run() {
    long start = System.nanoTime();
    while (!closed && sent.get() < count) {
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      long due = Math.min(count, (long) (elapsedMillis * recordsPerMilli));
      for (long i = sent.get(); i < due; i++) {
        producer.send(NumberTopics.record(topic, partitions, from + i));
        sent.incrementAndGet();
      }
      try {
        Thread.sleep(TICK.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
    producer.flush();
  }

  /** Waits until every number was sent and acknowledged. */
  void awaitAll() throws InterruptedException {
    thread.join();
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.join();
    producer.close(Duration.ofSeconds(10));
  }
}
