package dev.microbatch.examples.bench;

import java.time.Duration;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Baseline (a): one plain KafkaConsumer, assigned every input partition, reads all records. */
final class PlainConsumerRead implements ThroughputVariant.Job {

  @Override
  public ThroughputVariant.Run run(KafkaBenchCluster cluster, Duration limit, String outputSlug)
      throws Exception {
    Deadline deadline = Deadline.after(limit, "The plain consumer");
    RunMeter meter = RunMeter.start();
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = cluster.inputConsumer()) {
      while (read < cluster.records()) {
        deadline.check(read + " of " + cluster.records() + " records read");
        read += consumer.poll(Duration.ofMillis(100)).count();
      }
      return new ThroughputVariant.Run(meter.stop(), read, "");
    }
  }
}
