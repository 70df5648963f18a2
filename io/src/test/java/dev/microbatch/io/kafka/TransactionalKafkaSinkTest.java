package dev.microbatch.io.kafka;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.dstream.SinkTransaction;
import dev.microbatch.runner.dstream.SinkTransactions;
import dev.microbatch.runner.scheduler.BatchTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.Rule;
import org.junit.Test;

/** The transactional sink with its broker gone: every call ends, none hangs. */
public class TransactionalKafkaSinkTest {

  @Rule public final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker();

  @Test(timeout = 90_000)
  public void withTheBrokerGoneABatchFailsAndItsAbortAndCloseReturn() throws Exception {
    broker.createTopic("sink-out", 1);
    TransactionalKafkaSink<String, String> sink =
        new TransactionalKafkaSink<>(
            "Write",
            TransactionalKafkaWrite.<String, String>to("sink-out")
                .withBootstrapServers(broker.bootstrapServers())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withTransactionalId("sink-test")
                .withProducerConfigUpdates(
                    Map.of(
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000)));
    AtomicReference<SinkTransaction> transaction = new AtomicReference<>();
    TransactionalKafkaSink<String, String>.TaskSends sends =
        sink.beginBatch(
            new BatchTime(1_000),
            new ConsumedOffsets(),
            new SinkTransactions() {
              @Override
              public void commitTransaction(SinkTransaction begun) {
                transaction.set(begun);
              }

              @Override
              public void transactionAlreadyCommitted(String sink, String target) {
                throw new AssertionError("a first batch cannot have been committed before");
              }
            });

    for (int i = 0; i < 10; i++) {
      sends.send("k" + i, "v" + i);
    }
    sends.finish();
    // The records are in the log, inside the open transaction, when the broker goes: the producer
    // then has a transaction that only the broker can end.
    awaitEndOffset("sink-out", 10);
    broker.shutDown();
    long started = System.nanoTime();
    assertEquals(10, transaction.get().records());
    assertThrows(Exception.class, () -> transaction.get().commit());
    transaction.get().abort();
    sink.close();

    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    // Commit, abort and close each within their deadlines (8 s, 8 s and 15 s here).
    assertTrue("commit, abort and close took " + seconds + " s", seconds < 45);
  }

  private void awaitEndOffset(String topic, long offset) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    try (Admin admin = broker.admin()) {
      while (EmbeddedKafkaBroker.endOffsets(admin, topic, 1).get(new TopicPartition(topic, 0))
          < offset) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the records did not reach " + topic);
        }
        Thread.sleep(50);
      }
    }
  }
}
