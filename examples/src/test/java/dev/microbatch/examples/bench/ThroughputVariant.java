package dev.microbatch.examples.bench;

import java.time.Duration;

/**
 * One way of moving the Kafka benchmark's input: it runs once over the whole input topic and is
 * timed from its start to its last record.
 *
 * @param label its name in the report
 * @param slug a short name for {@code -Dbench.variants=...} and its output topics' names
 * @param settings how it is configured, for the report
 * @param job what it runs
 */
record ThroughputVariant(String label, String slug, String settings, Job job) {

  /** What a variant runs. */
  interface Job {
    /**
     * Runs once over the input of {@code cluster}, failing if that takes longer than {@code limit};
     * {@code outputSlug} names its output topics.
     */
    Run run(KafkaBenchCluster cluster, Duration limit, String outputSlug) throws Exception;
  }

  Run run(KafkaBenchCluster cluster, Duration limit) throws Exception {
    return job.run(cluster, limit, slug);
  }

  /**
   * What one run measured.
   *
   * @param reading time (start to last record), GC and heap
   * @param records the records it handled: read, or found in its output topic once it had stopped
   * @param note anything else worth a look, e.g. how the runner cut the input into batches
   */
  record Run(RunMeter.Reading reading, long records, String note) {
    double recordsPerSecond() {
      return records / reading.seconds();
    }
  }
}
