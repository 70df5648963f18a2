package dev.microbatch.examples.kafka;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends records through a producer without waiting for each one, and does not let a failed send go
 * unnoticed: the first failure is thrown by the next {@link #send} or by {@link #flush}. This is
 * how KafkaIO's writer sends too.
 */
public final class CheckedSends<K, V> {

  private final Producer<K, V> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Callback callback =
      (metadata, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
      };

  public CheckedSends(Producer<K, V> producer) {
    this.producer = producer;
  }

  public void send(ProducerRecord<K, V> record) throws Exception {
    throwIfFailed();
    producer.send(record, callback);
  }

  /** Waits until everything sent is acknowledged, and throws the first failure, if any. */
  public void flush() throws Exception {
    producer.flush();
    throwIfFailed();
  }

  private void throwIfFailed() throws Exception {
    Exception first = failure.get();
    if (first != null) {
      throw first;
    }
  }
}
