package dev.microbatch.examples.bench;

import dev.microbatch.examples.kafka.CheckedSends;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Baseline (c): the copy loop a user would write by hand: one consumer of every input partition and
 * one producer with Kafka's defaults (as KafkaIO.write() has them), each record sent as it is
 * polled, with the key and value it came with. Timed until the producer has had every record
 * acknowledged.
 */
final class PlainKafkaCopy implements ThroughputVariant.Job {

  @Override
  public ThroughputVariant.Run run(KafkaBenchCluster cluster, Duration limit, String outputSlug)
      throws Exception {
    String output = cluster.newOutputTopic(outputSlug);
    try {
      Deadline deadline = Deadline.after(limit, "The plain copy loop");
      RunMeter meter = RunMeter.start();
      RunMeter.Reading reading;
      try (KafkaConsumer<byte[], byte[]> consumer = cluster.inputConsumer();
          KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
        CheckedSends<byte[], byte[]> sends = new CheckedSends<>(producer);
        long copied = 0;
        while (copied < cluster.records()) {
          deadline.check(copied + " of " + cluster.records() + " records sent");
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            sends.send(new ProducerRecord<>(output, record.key(), record.value()));
            copied++;
          }
        }
        sends.flush();
        reading = meter.stop();
      }
      return new ThroughputVariant.Run(reading, cluster.recordsIn(output), "");
    } finally {
      cluster.deleteTopic(output);
    }
  }
}
