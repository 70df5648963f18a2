package dev.microbatch.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka throughput of the MicroBatchRunner against two plain-client baselines, on an embedded
 * broker in the same JVM, side by side in one run: (a) a plain KafkaConsumer reading the input
 * topic, (b) the runner's pass-through {@code KafkaIO.read()} to {@code KafkaIO.write()} job, (c) a
 * plain consumer+producer copy loop. Each is timed from its start to its last record (read, or
 * acknowledged in the output topic) over warm-up and measured rounds, and the medians of records/s
 * are compared. Every run's record count is checked against the input's.
 *
 * <p>Settings are system properties: {@code kafkaBench.records} (input records, 60,000,000), {@code
 * kafkaBench.valueBytes} (100), {@code kafkaBench.partitions} (4), {@code
 * kafkaBench.batchIntervalMillis} (1000), {@code kafkaBench.producerBatchBytes} (every variant's
 * producers' {@code batch.size}; 0, the default, leaves Kafka's), {@code
 * kafkaBench.producerBufferBytes} (their {@code buffer.memory}; 0 leaves Kafka's), {@code
 * kafkaBench.runnerArgs} (more pipeline arguments for the runner, space-separated, e.g. {@code
 * --maxRecordsPerBatch=1000000}), {@code bench.rounds} (3 measured), {@code bench.warmups} (1),
 * {@code bench.variants} (all: plain-read,microbatchrunner,microbatchrunner-eos,plain-copy), {@code
 * bench.timeoutMin} (20 per run; a run still going then fails, and its variant is not run again).
 * The "load" column is the OS's 1-minute load average when the run ended; "rec/req" is input
 * records per produce request the broker handled during the run (requests carry the producers'
 * batches, so fewer records per request means more work per record for the broker and the
 * producers' senders).
 */
public final class KafkaThroughputBenchmark {

  private final long records = Long.getLong("kafkaBench.records", 60_000_000);
  private final int valueBytes = Integer.getInteger("kafkaBench.valueBytes", 100);
  private final int partitions = Integer.getInteger("kafkaBench.partitions", 4);
  /** The producers' {@code batch.size} in every variant; 0 leaves Kafka's default (16 KB). */
  private final int producerBatchBytes = Integer.getInteger("kafkaBench.producerBatchBytes", 0);
  /** The producers' {@code buffer.memory} in every variant; 0 leaves Kafka's default (32 MB). */
  private final long producerBufferBytes = Long.getLong("kafkaBench.producerBufferBytes", 0);
  private final Duration limit = Duration.ofMinutes(Long.getLong("bench.timeoutMin", 20));
  private final Rounds rounds = Rounds.fromSystemProperties();
  private final ThroughputVariant plainRead =
      new ThroughputVariant(
          "plain KafkaConsumer (read only)",
          "plain-read",
          "Kafka client defaults",
          new PlainConsumerRead());
  private final ThroughputVariant runner = runnerVariant(false, true);
  private final ThroughputVariant runnerUiOff = runnerVariant(false, false);
  private final ThroughputVariant exactlyOnceRunner = runnerVariant(true, true);
  private final ThroughputVariant plainCopy =
      new ThroughputVariant(
          "plain consumer+producer copy",
          "plain-copy",
          "one consumer, one producer",
          new PlainKafkaCopy());
  private final List<ThroughputVariant> variants =
      BenchSupport.selectedVariants(
          List.of(plainRead, runner, runnerUiOff, exactlyOnceRunner, plainCopy),
          ThroughputVariant::slug);
  private final Measurements<ThroughputVariant> measurements = new Measurements<>();
  /** The JVM's CPU time per record (broker included, the same for every variant). */
  private final Measurements<ThroughputVariant> cpuPerRecord = new Measurements<>();
  /**
   * Records/s of each measured round's correct runs: runs of one round are minutes apart, so their
   * ratio is steadier than the ratio of medians when the machine's speed drifts.
   */
  private final Map<String, Map<ThroughputVariant, Double>> byRound = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    boolean ok = new KafkaThroughputBenchmark().run();
    System.exit(ok ? 0 : 1);
  }

  private boolean run() throws Exception {
    System.out.println("Kafka throughput benchmark: MicroBatchRunner vs plain Kafka clients");
    long t0 = System.nanoTime();
    Map<String, Object> producerUpdates = new LinkedHashMap<>();
    if (producerBatchBytes > 0) {
      producerUpdates.put(ProducerConfig.BATCH_SIZE_CONFIG, producerBatchBytes);
    }
    if (producerBufferBytes > 0) {
      producerUpdates.put(ProducerConfig.BUFFER_MEMORY_CONFIG, producerBufferBytes);
    }
    try (KafkaBenchCluster cluster =
        KafkaBenchCluster.start(partitions, records, valueBytes, producerUpdates)) {
      System.out.printf(
          "  input      topic %s: %,d records (8-byte keys, %d-byte values) in %d partitions,"
              + " filled in %.1f s; broker %s in this JVM%n",
          KafkaBenchCluster.INPUT_TOPIC,
          records,
          valueBytes,
          partitions,
          (System.nanoTime() - t0) / 1e9,
          cluster.bootstrapServers());
      BenchSupport.printJvm();
      System.out.printf(
          "  producers  every variant's: %s%n",
          producerUpdates.isEmpty()
              ? "Kafka's defaults"
              : producerUpdates + " over Kafka's defaults");
      for (ThroughputVariant variant : variants) {
        System.out.printf("  variant    %-34s %s%n", variant.label(), variant.settings());
      }
      System.out.printf("  rounds     %s%n", rounds);

      System.out.printf(
          "%n%-12s %-34s %8s %12s %7s %7s %12s %9s %6s  %s%n",
          "round",
          "variant",
          "s",
          "records/s",
          "cpu s",
          "gc s",
          "max heap MB",
          "rec/req",
          "load",
          "count");
      rounds.run(
          variants,
          measurements.failed(),
          (roundName, measure, variant) -> runOnce(roundName, measure, variant, cluster));
    }
    printSummary();
    return measurements.allCorrect();
  }

  /**
   * The runner copying Kafka to Kafka, exactly once or not, with its web UI on (the default) or
   * off (to show what the UI costs).
   */
  private static ThroughputVariant runnerVariant(boolean exactlyOnce, boolean ui) {
    List<String> args = new ArrayList<>();
    args.add("--runner=MicroBatchRunner");
    if (!ui) {
      args.add("--uiPort=0");
    }
    args.add("--batchIntervalMillis=" + Long.getLong("kafkaBench.batchIntervalMillis", 1000));
    args.add("--logEveryBatch=false");
    String more = System.getProperty("kafkaBench.runnerArgs", "");
    if (!more.isBlank()) {
      args.addAll(List.of(more.trim().split("\\s+")));
    }
    return exactlyOnce
        ? new ThroughputVariant(
            "MicroBatchRunner exactly-once",
            "microbatchrunner-eos",
            String.join(" ", args)
                + " --checkpointLocation=<temp>; TransactionalKafkaWrite, input group",
            new MicroBatchKafkaCopy(args, true))
        : new ThroughputVariant(
            ui ? "MicroBatchRunner Kafka-to-Kafka" : "MicroBatchRunner Kafka-to-Kafka, UI off",
            ui ? "microbatchrunner" : "microbatchrunner-ui-off",
            String.join(" ", args),
            new MicroBatchKafkaCopy(args, false));
  }

  private void runOnce(
      String roundName, boolean measure, ThroughputVariant variant, KafkaBenchCluster cluster)
      throws Exception {
    System.gc();
    Thread.sleep(500);
    ThroughputVariant.Run run;
    long requestsBefore = KafkaBenchCluster.produceRequests();
    try {
      run = variant.run(cluster, limit);
    } catch (Exception e) {
      System.out.printf("%-12s %-34s FAILED, not run again: %s%n", roundName, variant.label(), e);
      e.printStackTrace(System.out);
      measurements.fail(variant);
      return;
    }
    long produceRequests = KafkaBenchCluster.produceRequests() - requestsBefore;
    String verdict =
        run.records() == records
            ? "OK"
            : String.format("WRONG: %,d records, not %,d", run.records(), records);
    measurements.add(variant, measure, verdict.equals("OK"), run.recordsPerSecond());
    cpuPerRecord.add(
        variant, measure, verdict.equals("OK"), run.reading().cpuSeconds() * 1e6 / records);
    if (measure && verdict.equals("OK")) {
      byRound
          .computeIfAbsent(roundName, round -> new LinkedHashMap<>())
          .put(variant, run.recordsPerSecond());
    }
    System.out.printf(
        "%-12s %-34s %8.2f %,12.0f %7.2f %7.2f %12d %9s %6.1f  %s%s%n",
        roundName,
        variant.label(),
        run.reading().seconds(),
        run.recordsPerSecond(),
        run.reading().cpuSeconds(),
        run.reading().gcSeconds(),
        run.reading().maxHeapUsedMb(),
        produceRequests == 0 ? "-" : String.format("%.0f", (double) records / produceRequests),
        BenchSupport.loadAverage(),
        verdict,
        run.note().isEmpty() ? "" : "; " + run.note());
  }

  private void printSummary() {
    System.out.printf("%nMeasured runs (records/s)%n");
    Map<ThroughputVariant, Double> medians =
        measurements.printMedians(variants, ThroughputVariant::label, 34, "%,12.0f");
    for (ThroughputVariant measured : List.of(runner, runnerUiOff, exactlyOnceRunner)) {
      for (ThroughputVariant baseline : List.of(plainRead, plainCopy)) {
        printRatio(medians, measured, baseline);
      }
    }
    for (ThroughputVariant other : List.of(runnerUiOff, exactlyOnceRunner)) {
      printRatio(medians, runner, other);
    }
    System.out.printf(
        "%nCPU time per record, microseconds (this JVM's, so the broker's work is in every"
            + " variant's)%n");
    Map<ThroughputVariant, Double> cpu =
        cpuPerRecord.printMedians(variants, ThroughputVariant::label, 34, "%12.2f");
    for (ThroughputVariant measured : List.of(runner, runnerUiOff, exactlyOnceRunner)) {
      if (cpu.containsKey(measured) && cpu.containsKey(plainCopy)) {
        System.out.printf(
            "  CPU per record, %s / %s (medians): %.2f%n",
            measured.label(), plainCopy.label(), cpu.get(measured) / cpu.get(plainCopy));
      }
    }
    System.out.println(
        measurements.allCorrect()
            ? "  every run's record count equals the input's"
            : "  SOME RUNS FAILED OR COUNTED WRONG: see above");
  }

  /** {@code measured} against {@code baseline}, if both have measured runs. */
  private void printRatio(
      Map<ThroughputVariant, Double> medians,
      ThroughputVariant measured,
      ThroughputVariant baseline) {
    if (medians.containsKey(measured) && medians.containsKey(baseline)) {
      System.out.printf(
          "  ratio %s / %s (medians): %.2f; per round: %s%n",
          measured.label(),
          baseline.label(),
          medians.get(measured) / medians.get(baseline),
          perRound(measured, baseline));
    }
  }

  /**
   * The ratio of {@code measured} to {@code baseline} in each round where both ran well, and their
   * median: a paired comparison, which the machine's drift between rounds does not move.
   */
  private String perRound(ThroughputVariant measured, ThroughputVariant baseline) {
    List<Double> ratios = new ArrayList<>();
    for (Map<ThroughputVariant, Double> round : byRound.values()) {
      if (round.containsKey(measured) && round.containsKey(baseline)) {
        ratios.add(round.get(measured) / round.get(baseline));
      }
    }
    if (ratios.isEmpty()) {
      return "none";
    }
    List<String> shown = new ArrayList<>();
    for (double ratio : ratios) {
      shown.add(String.format("%.2f", ratio));
    }
    return String.format(
        "%s (median %.2f)", String.join(", ", shown), BenchSupport.median(ratios));
  }
}
