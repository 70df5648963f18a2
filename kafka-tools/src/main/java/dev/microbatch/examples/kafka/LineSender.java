package dev.microbatch.examples.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Sends text lines to a topic, one record each (no key), and returns only once the broker has
 * acknowledged every one. Lines whose send failed for a reason that may pass (a topic whose
 * metadata is not there yet, a broker that is restarting) are sent again, after pauses that double
 * from 100 ms to 5 s, each logged, until {@code retryFor} has passed; then, or at once for any
 * other failure, it throws {@link UnsentLinesException} saying how many lines were not sent. A line
 * sent again may land after lines read later.
 */
final class LineSender {

  private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

  private final Producer<String, String> producer;
  private final String topic;
  private final Duration retryFor;
  private final Consumer<String> log;

  LineSender(
      Producer<String, String> producer, String topic, Duration retryFor, Consumer<String> log) {
    this.producer = producer;
    this.topic = topic;
    this.retryFor = retryFor;
    this.log = log;
  }

  /** Sends {@code lines}; returns once all are acknowledged. */
  void send(List<String> lines) throws InterruptedException {
    long deadline = System.nanoTime() + retryFor.toNanos();
    Duration pause = FIRST_PAUSE;
    List<String> unsent = lines;
    while (true) {
      Attempt attempt = attempt(unsent);
      if (attempt.failed().isEmpty()) {
        return;
      }
      unsent = attempt.failed();
      Throwable reason = attempt.firstFailure().orElseThrow();
      boolean retriable = reason instanceof RetriableException;
      if (!retriable || System.nanoTime() > deadline) {
        throw new UnsentLinesException(
            topic,
            unsent,
            retriable ? Optional.of(retryFor) : Optional.empty(),
            reason);
      }
      log.accept(
          unsent.size()
              + " line(s) not sent to topic '"
              + topic
              + "' yet ("
              + reason
              + "); sending them again in "
              + pause.toMillis()
              + " ms");
      Thread.sleep(pause.toMillis());
      Duration doubled = pause.multipliedBy(2);
      pause = doubled.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : doubled;
    }
  }

  /**
   * One round: send all, wait for all, keep the lines that failed and the first reason. A send
   * that fails at once (no metadata for the topic within the producer's max.block.ms) ends the
   * round: the lines after it would only wait as long again.
   */
  private Attempt attempt(List<String> lines) throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(lines.size());
    for (String line : lines) {
      Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, line));
      acks.add(ack);
      if (ack.isDone() && failure(ack).isPresent()) {
        break;
      }
    }
    producer.flush();
    List<String> failed = new ArrayList<>(lines.subList(acks.size(), lines.size()));
    Optional<Throwable> first = Optional.empty();
    for (int i = acks.size() - 1; i >= 0; i--) {
      Optional<Throwable> failure = failure(acks.get(i));
      if (failure.isPresent()) {
        failed.add(0, lines.get(i));
        first = failure;
      }
    }
    return new Attempt(failed, first);
  }

  private static Optional<Throwable> failure(Future<RecordMetadata> ack)
      throws InterruptedException {
    try {
      ack.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(e.getCause());
    }
  }

  private record Attempt(List<String> failed, Optional<Throwable> firstFailure) {}
}
