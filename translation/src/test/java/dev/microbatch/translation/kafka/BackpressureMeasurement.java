package dev.microbatch.translation.kafka;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.List;

/**
 * Measures, by hand, one overload with and without backpressure and prints a table of the batches
 * for each (not a test: it runs for minutes). Arguments: seconds to observe each run (default 60).
 * Run it with {@code mvn -pl translation exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.microbatch.translation.kafka.BackpressureMeasurement -Dexec.args=60}.
 */
public final class BackpressureMeasurement {

  private BackpressureMeasurement() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    // 2 tasks at 2 ms a record process 1,000 records/s; the producer adds 2,000/s throughout.
    Overload overload =
        new Overload(
            2,
            Duration.ofMillis(2),
            1000,
            2000,
            2000,
            (seconds + 5) * 2000,
            Duration.ofSeconds(seconds),
            batches -> false);
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker();
    broker.start();
    try {
      NumberTopics topics = new NumberTopics(broker);
      for (boolean backpressure : List.of(false, true)) {
        List<BatchRecorder.Batch> batches =
            overload.run(topics, "measured-" + backpressure, backpressure);
        System.out.println(
            "\n--backpressure=" + backpressure + "\n" + BatchRecorder.table(batches));
      }
    } finally {
      broker.stop();
    }
  }
}
