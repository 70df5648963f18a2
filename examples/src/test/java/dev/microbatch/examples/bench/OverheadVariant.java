package dev.microbatch.examples.bench;

/**
 * One application of the Spark Streaming benchmark at one batch interval.
 *
 * @param app the Kafka word count as a Spark Streaming application, or as this runner's pipeline on
 *     its Spark backend
 * @param intervalMillis the batch interval
 */
record OverheadVariant(App app, long intervalMillis) {

  /** The two ways of running the same Kafka word count on the cluster. */
  enum App {
    SPARK_STREAMING("Spark Streaming (DStream)", "spark-streaming"),
    MICROBATCH("MicroBatchRunner, Spark backend", "microbatchrunner");

    private final String label;
    private final String slug;

    App(String label, String slug) {
      this.label = label;
      this.slug = slug;
    }
  }

  String label() {
    return app.label + ", " + intervalMillis + " ms";
  }

  /** A short name for {@code -Dbench.variants=...}, topics and folders. */
  String slug() {
    return app.slug + "-" + intervalMillis;
  }
}
