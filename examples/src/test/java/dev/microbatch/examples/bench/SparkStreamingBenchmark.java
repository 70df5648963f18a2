package dev.microbatch.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.examples.KafkaWordCount;
import dev.microbatch.examples.WindowedCount;
import dev.microbatch.examples.bench.BatchLog.Batch;
import dev.microbatch.examples.kafka.CheckedSends;
import dev.microbatch.examples.bench.OverheadVariant.App;
import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.spark.cluster.LocalStandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Per-batch overhead on a Spark cluster: the same Kafka word count as a Spark Streaming application
 * (DStream API, direct Kafka stream; the spark-streaming-bench module) and as this runner's {@link
 * KafkaWordCount} on its Spark backend, side by side in one run on one loopback standalone cluster
 * (a Master and two Workers of one core each) and one embedded Kafka broker, at each batch
 * interval.
 *
 * <p>Each run submits one application with spark-submit in client mode (its driver a child JVM of
 * this one, with Spark's jars and Spark Streaming's on its classpath, as a Spark distribution has
 * them) and a fresh input topic. It first gets (a) no input: of its first batches, {@code
 * sparkBench.emptyWarmupBatches} are warm-up and the next {@code sparkBench.emptyBatches} are its
 * measured empty batches; then (b) the text lines of {@code sparkBench.fullWarmupBatches} + {@code
 * sparkBench.fullBatches} + 3 batches, written at once but stamped as if {@code
 * sparkBench.recordsPerBatch} had arrived per batch interval ({@link StampedLines}), with the input
 * bounded to exactly that many records per batch ({@code spark.streaming.kafka.maxRatePerPartition}
 * there, {@code --maxRatePerPartition} here): of its batches of exactly that size (full batches),
 * the first {@code sparkBench.fullWarmupBatches} are warm-up and the next {@code
 * sparkBench.fullBatches} are measured. The run ends once those have completed and the application
 * has written its first window's counts to its output topic. Phases are counted in batches, not in
 * time, so an application that falls behind the clock (its batches queue, each starting late) is
 * measured over as many batches as one that keeps up. Each application logs every completed batch
 * (records, scheduling delay, processing time): Spark Streaming through a StreamingListener, the
 * runner through {@code --eventLogDir}. A batch's processing time is each system's own: Spark
 * Streaming's runs from its first job's start to its last job's end (its offsets were fixed
 * before, when the jobs were generated); the runner's from the batch's start, fixing the offsets
 * included, to its commit.
 *
 * <p>Reported per variant, pooled over the measured rounds: median and p95 processing time of an
 * empty batch and of a full batch, and records/s as the full batches' records over their summed
 * processing time (what the application processes per second of work, whether or not it kept up
 * with the input); then each as a ratio MicroBatchRunner / Spark Streaming per interval. A run
 * counts if its batches before any input all read nothing and every window it wrote is right: each
 * word once, the window's counts adding up to the words of the lines stamped in it.
 *
 * <p>Settings are system properties: {@code sparkBench.intervals} (1000,200), {@code
 * sparkBench.recordsPerBatch} (10000), {@code sparkBench.partitions} (2), {@code
 * sparkBench.windowSeconds} (10), {@code sparkBench.emptyWarmupBatches} (5), {@code
 * sparkBench.emptyBatches} (20), {@code sparkBench.fullWarmupBatches} (3), {@code
 * sparkBench.fullBatches} (15), {@code bench.rounds} (3), {@code bench.warmups} (0), {@code
 * bench.variants} (all; slugs such as spark-streaming-1000, microbatchrunner-200), {@code
 * bench.timeoutMin} (15 per run), {@code
 * sparkBench.dir} (logs and checkpoints), and the paths {@code spark.jarsClasspathFile}, {@code
 * sparkBench.streamingClasspathFile}, {@code sparkBench.streamingJar} and {@code examples.jar}
 * that examples/pom.xml fills in.
 */
public final class SparkStreamingBenchmark {

  private static final String SPARK_STREAMING_MAIN =
      "dev.microbatch.sparkstreaming.SparkStreamingKafkaWordCount";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How often a waiting run reads its batch log again. */
  private static final Duration POLL = Duration.ofMillis(200);

  private final long recordsPerBatch = Long.getLong("sparkBench.recordsPerBatch", 10_000);
  private final int partitions = Integer.getInteger("sparkBench.partitions", 2);
  private final int windowSeconds = Integer.getInteger("sparkBench.windowSeconds", 10);
  private final int emptyWarmupBatches = Integer.getInteger("sparkBench.emptyWarmupBatches", 5);
  private final int emptyBatches = Integer.getInteger("sparkBench.emptyBatches", 20);
  private final int fullWarmupBatches = Integer.getInteger("sparkBench.fullWarmupBatches", 3);
  private final int fullBatches = Integer.getInteger("sparkBench.fullBatches", 15);
  private final Duration limit = Duration.ofMinutes(Long.getLong("bench.timeoutMin", 15));
  private final Rounds rounds =
      new Rounds(Integer.getInteger("bench.warmups", 0), Integer.getInteger("bench.rounds", 3));
  /** This invocation's folder (logs, checkpoints) in {@code sparkBench.dir}, named by its start. */
  private final Path dir =
      Path.of(System.getProperty("sparkBench.dir", "target/spark-bench"))
          .resolve(
              LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  private final List<OverheadVariant> variants =
      BenchSupport.selectedVariants(allVariants(), OverheadVariant::slug);
  private final Measurements<OverheadVariant> measurements = new Measurements<>();
  private final Map<OverheadVariant, Pooled> pooled = new LinkedHashMap<>();

  /** Stamps of a full phase's lines start at least this long after their write starts. */
  private static final long MIN_WRITE_LEAD_MILLIS = 5_000;

  private EmbeddedKafkaBroker broker;
  private volatile LocalStandaloneCluster cluster;
  /** The driver of the run in progress, for the shutdown hook. */
  private volatile Process runningDriver;
  /** How long after their write starts a full phase's lines are stamped: twice the last write. */
  private long writeLeadMillis = 20_000;
  private String sparkClasspath;
  private List<String> lines;
  private int runs;

  /** The batches of a variant's measured runs, pooled. */
  private static final class Pooled {
    final List<Double> emptyMillis = new ArrayList<>();
    final List<Double> fullMillis = new ArrayList<>();
    long fullRecords;
    long fullProcessingMillis;
  }

  public static void main(String[] args) throws Exception {
    boolean ok = new SparkStreamingBenchmark().run();
    System.exit(ok ? 0 : 1);
  }

  private static List<OverheadVariant> allVariants() {
    List<OverheadVariant> all = new ArrayList<>();
    for (String interval : System.getProperty("sparkBench.intervals", "1000,200").split(",")) {
      for (App app : App.values()) {
        all.add(new OverheadVariant(app, Long.parseLong(interval.trim())));
      }
    }
    return all;
  }

  private boolean run() throws Exception {
    System.out.println(
        "Per-batch overhead on a Spark cluster: Spark Streaming vs MicroBatchRunner's Spark"
            + " backend");
    // Spark's jars as a distribution has them: Spark core's (the spark module's list) and Spark
    // Streaming's. The drivers and the cluster's executors load Spark from these.
    sparkClasspath =
        readClasspath("spark.jarsClasspathFile")
            + java.io.File.pathSeparator
            + readClasspath("sparkBench.streamingClasspathFile");
    lines = textLines();
    Files.createDirectories(dir);
    broker = new EmbeddedKafkaBroker();
    broker.start();
    try {
      cluster =
          LocalStandaloneCluster.start(
              LocalStandaloneCluster.Spec.twoWorkers(),
              sparkClasspath,
              LocalStandaloneCluster.sparkJavaOptions());
      // A benchmark stopped with Ctrl-C leaves no driver, Master, Worker or executor behind.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    Process driver = runningDriver;
                    if (driver != null) {
                      driver.destroyForcibly();
                    }
                    LocalStandaloneCluster running = cluster;
                    if (running != null) {
                      running.close();
                    }
                  },
                  "spark-bench-stop"));
      printSettings();
      System.out.printf(
          "%n%-11s %-38s %15s %15s %15s %11s %7s %8s %5s  %s%n",
          "round",
          "variant",
          "empty n/med/p95",
          "full n/med/p95",
          "sched med/max",
          "records/s",
          "out",
          "write ms",
          "load",
          "verdict");
      rounds.run(variants, measurements.failed(), this::runOnce);
    } finally {
      if (cluster != null) {
        cluster.close();
        cluster = null; // closed: nothing left for the shutdown hook
      }
      broker.stop();
    }
    printSummary();
    return measurements.allCorrect();
  }

  private void printSettings() {
    System.out.printf(
        "  cluster    %s: 2 Workers of 1 core (one executor each); drivers are child JVMs of this"
            + " one (spark-submit, client mode), logs in %s%n",
        cluster.masterUrl(),
        dir.toAbsolutePath());
    System.out.printf(
        "  Kafka      embedded broker %s in this JVM; a fresh %d-partition input topic per run%n",
        broker.bootstrapServers(),
        partitions);
    System.out.printf(
        "  input      text lines (about 13 words each), %,d records per full batch, %d s windows%n",
        recordsPerBatch,
        windowSeconds);
    System.out.printf(
        "  phases     %d empty batches after %d as warm-up, then %d full batches after %d as"
            + " warm-up%n",
        emptyBatches,
        emptyWarmupBatches,
        fullBatches,
        fullWarmupBatches);
    for (OverheadVariant variant : variants) {
      System.out.printf("  variant    %s%n", variant.label());
    }
    System.out.printf("  rounds     %s%n", rounds);
    System.out.println(
        "  columns    processing time of the measured empty and full batches (count/median/p95 ms),"
            + " scheduling delay of the full ones (median/max ms), records/s of the full ones,"
            + " word counts written, ms taken to write the full phase's lines");
    BenchSupport.printJvm();
  }

  private void runOnce(String roundName, boolean measure, OverheadVariant variant)
      throws Exception {
    String id = variant.slug() + "-" + (++runs);
    Path runDir = Files.createDirectories(dir.resolve(id));
    String input = "lines-" + id;
    String output = "counts-" + id;
    broker.createTopic(input, partitions);
    broker.createTopic(output, partitions);
    Path batchLog =
        variant.app() == App.SPARK_STREAMING
            ? runDir.resolve("batches.jsonl")
            : runDir.resolve("events").resolve(id + ".jsonl");
    int emptyNeeded = emptyWarmupBatches + emptyBatches;
    int fullNeeded = fullWarmupBatches + fullBatches;
    List<Batch> batches;
    long writeMillis;
    long commitLateMillis;
    StampedLines sent;
    WrittenCounts written = new WrittenCounts(broker.bootstrapServers(), output, partitions);
    try {
      Deadline deadline = Deadline.after(limit, variant.label());
      ProcessBuilder submit =
          new ProcessBuilder(command(variant, id, input, output, runDir, batchLog))
              .redirectErrorStream(true)
              .redirectOutput(runDir.resolve("driver.log").toFile());
      // As for the cluster's own JVMs: Spark binds to the loopback address, not the host's.
      submit.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      Process driver = submit.start();
      runningDriver = driver;
      try {
        awaitBatches(
            driver,
            batchLog,
            deadline,
            emptyNeeded + " empty batches",
            all -> all.size() >= emptyNeeded);
        // A batch's worth per interval, stamped from a time by which they will have been written,
        // and made visible at once at that time (a transaction both applications read committed),
        // so that however slowly a producer goes on the machine, every batch from then on finds
        // its full share waiting; three batches' worth more than needed, for a batch that fixed
        // its offsets around the commit. One line less per partition, so that the transaction's
        // marker ends a range that also holds lines (see endWithALine).
        sent =
            new StampedLines(
                lines,
                (fullNeeded + 3) * recordsPerBatch - partitions,
                System.currentTimeMillis() + writeLeadMillis,
                recordsPerBatch * 1000.0 / variant.intervalMillis());
        Write write = writeCommitted(id, input, sent);
        writeMillis = write.millis();
        commitLateMillis = write.commitLateMillis();
        writeLeadMillis = Math.max(MIN_WRITE_LEAD_MILLIS, 2 * writeMillis);
        Map<Long, Long> expected = sent.wordsPerWindow(windowSeconds * 1000L);
        awaitBatches(
            driver,
            batchLog,
            deadline,
            fullNeeded + " full batches and every window's counts",
            all ->
                full(all).size() >= fullNeeded
                    && written
                        .readToEnd()
                        .wordsPerWindow()
                        .keySet()
                        .containsAll(expected.keySet()));
        // The batch that wrote the last window may still be writing: it has once a batch after
        // it has completed.
        int completed = BatchLog.read(batchLog).size();
        awaitBatches(
            driver,
            batchLog,
            deadline,
            "the batch after the last window's",
            all -> all.size() > completed);
      } finally {
        stop(driver);
        runningDriver = null;
      }
      awaitClusterIdle();
      batches = BatchLog.read(batchLog);
    } catch (Exception e) {
      written.close();
      System.out.printf(
          "%-11s %-38s FAILED, not run again: %s (see %s)%n",
          roundName,
          variant.label(),
          e,
          runDir);
      e.printStackTrace(System.out);
      measurements.fail(variant);
      return;
    }
    String checked;
    try (written) {
      checked = checkCounts(written.readToEnd(), sent.wordsPerWindow(windowSeconds * 1000L));
    }
    long countsWritten = written.written();
    // Batches complete in order: the first ones ran before any input was sent.
    List<Batch> emptyPhase = batches.subList(emptyWarmupBatches, emptyNeeded);
    List<Double> empty = emptyPhase.stream().map(b -> (double) b.processingMillis()).toList();
    List<Batch> full = full(batches).subList(fullWarmupBatches, fullNeeded);
    List<Double> fullMillis = full.stream().map(b -> (double) b.processingMillis()).toList();
    long fullRecords = full.stream().mapToLong(Batch::records).sum();
    long fullProcessing = full.stream().mapToLong(Batch::processingMillis).sum();
    double recordsPerSecond = fullRecords / (fullProcessing / 1000.0);
    List<Double> delays = full.stream().map(b -> (double) b.schedulingDelayMillis()).toList();
    boolean emptyRight = emptyPhase.stream().allMatch(b -> b.records() == 0);
    boolean correct = emptyRight && checked.isEmpty();
    measurements.add(variant, measure, correct, recordsPerSecond);
    if (measure && correct) {
      Pooled p = pooled.computeIfAbsent(variant, v -> new Pooled());
      p.emptyMillis.addAll(empty);
      p.fullMillis.addAll(fullMillis);
      p.fullRecords += fullRecords;
      p.fullProcessingMillis += fullProcessing;
    }
    System.out.printf(
        "%-11s %-38s %15s %15s %15s %,11.0f %7d %8d %5.1f  %s%n",
        roundName,
        variant.label(),
        nMedP95(empty),
        nMedP95(fullMillis),
        String.format(
            "%.0f/%.0f",
            BenchSupport.median(delays),
            delays.stream().mapToDouble(d -> d).max().orElse(0)),
        recordsPerSecond,
        countsWritten,
        writeMillis,
        BenchSupport.loadAverage(),
        (correct
                ? "OK"
                : emptyRight ? "WRONG: " + checked : "WRONG: records before any input was sent")
            + (commitLateMillis > 1000
                ? " (committed " + commitLateMillis + " ms after the first line's stamp)"
                : ""));
  }

  /**
   * Checks the windows the application wrote: each word once per window, and the counts of each
   * window adding up to the words of the lines stamped in it. Returns what is wrong, or nothing.
   */
  private static String checkCounts(WrittenCounts written, Map<Long, Long> expected) {
    List<String> wrong = new ArrayList<>();
    written
        .wordsPerWindow()
        .forEach(
            (start, counted) -> {
              if (!counted.equals(expected.getOrDefault(start, 0L))) {
                wrong.add(
                    "window at "
                        + Instant.ofEpochMilli(start)
                        + " counted "
                        + counted
                        + " words of "
                        + expected.getOrDefault(start, 0L));
              }
            });
    if (written.duplicates() > 0) {
      wrong.add(written.duplicates() + " words written twice for a window");
    }
    return String.join("; ", wrong);
  }

  /** The batches that took exactly a full batch's records, in order. */
  private List<Batch> full(List<Batch> batches) {
    return batches.stream().filter(b -> b.records() == recordsPerBatch).toList();
  }

  private static String nMedP95(List<Double> millis) {
    return millis.isEmpty()
        ? "0/-/-"
        : String.format(
            "%d/%.0f/%.0f",
            millis.size(), BenchSupport.median(millis), BenchSupport.percentile(millis, 95));
  }

  /** spark-submit of the variant's application, its arguments as alike as the two allow. */
  private List<String> command(
      OverheadVariant variant,
      String id,
      String input,
      String output,
      Path runDir,
      Path batchLog) {
    List<String> common =
        List.of(
            "--bootstrapServers=" + broker.bootstrapServers(),
            "--inputTopic=" + input,
            "--outputTopic=" + output,
            "--groupId=group-" + id,
            "--windowSeconds=" + windowSeconds,
            "--batchIntervalMillis=" + variant.intervalMillis(),
            "--readCommitted=true");
    // Each partition delivers its share of a full batch per interval, and no more.
    long perPartitionPerSecond = recordsPerBatch * 1000 / variant.intervalMillis() / partitions;
    List<String> arguments = new ArrayList<>(common);
    if (variant.app() == App.SPARK_STREAMING) {
      arguments.add("--checkpointDir=" + runDir.resolve("checkpoint").toAbsolutePath());
      arguments.add("--batchLog=" + batchLog.toAbsolutePath());
      return cluster.clientSubmitCommand(
          sparkClasspath,
          "1g",
          Map.of(
              "spark.streaming.kafka.maxRatePerPartition",
              Long.toString(perPartitionPerSecond),
              // Transaction markers take offsets of their own.
              "spark.streaming.kafka.allowNonConsecutiveOffsets",
              "true"),
          SPARK_STREAMING_MAIN,
          requiredPath("sparkBench.streamingJar"),
          arguments);
    }
    arguments.add("--clusterMaster=spark");
    arguments.add("--maxRatePerPartition=" + perPartitionPerSecond);
    arguments.add("--eventLogDir=" + batchLog.getParent().toAbsolutePath());
    arguments.add("--jobName=" + id);
    return cluster.clientSubmitCommand(
        sparkClasspath,
        "1g",
        Map.of(),
        KafkaWordCount.class.getName(),
        requiredPath("examples.jar"),
        arguments);
  }

  /** What a run waits for, given the batches its application has completed so far. */
  private interface Condition {
    boolean holds(List<Batch> batches) throws Exception;
  }

  /**
   * Waits until the application's completed batches satisfy {@code condition}, reading its batch
   * log every {@link #POLL}; fails if its driver exits or the run's deadline passes first.
   */
  private static void awaitBatches(
      Process driver, Path batchLog, Deadline deadline, String what, Condition condition)
      throws Exception {
    long nextReport = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<Batch> batches = BatchLog.read(batchLog);
      if (condition.holds(batches)) {
        return;
      }
      if (!driver.isAlive()) {
        throw new IllegalStateException(
            "The driver exited with " + driver.exitValue() + " while waiting for " + what);
      }
      deadline.check("waiting for " + what + ", " + batches.size() + " batches completed");
      if (System.nanoTime() > nextReport) {
        System.out.printf("    ... waiting for %s: %d batches completed%n", what, batches.size());
        nextReport = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Stops a driver as Ctrl-C would, then for good if it is still there after 30 s. */
  private static void stop(Process driver) throws InterruptedException {
    driver.destroy();
    if (!driver.waitFor(30, TimeUnit.SECONDS)) {
      driver.destroyForcibly();
      driver.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Waits until the Master runs no application, so that the next one gets both Workers' cores as
   * soon as it asks (the Master learns of a stopped driver when its connection drops).
   */
  private void awaitClusterIdle() throws Exception {
    Deadline deadline = Deadline.after(Duration.ofMinutes(2), "The cluster's last application");
    while (true) {
      JsonNode state = JSON.readTree(cluster.masterState());
      if (state.path("activeapps").isEmpty() && state.path("coresused").asInt() == 0) {
        return;
      }
      deadline.check(state.path("activeapps").size() + " applications still active");
      Thread.sleep(POLL.toMillis());
    }
  }

  /** How long a full phase's write took, and how late after its first line's stamp it committed. */
  private record Write(long millis, long commitLateMillis) {}

  /**
   * Writes the lines in one transaction and commits it once the first line's stamp has come, or at
   * once if the write took longer than that.
   */
  private Write writeCommitted(String id, String topic, StampedLines lines) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                // Batched generously: the applications wait for the lines.
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + id,
                // Open from the write's start to the commit, the lead included.
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
      producer.initTransactions();
      producer.beginTransaction();
      long millis = lines.send(producer, topic, partitions);
      // Waits for a time of day, which is the condition itself.
      for (long now = System.currentTimeMillis();
          now < lines.startMillis();
          now = System.currentTimeMillis()) {
        Thread.sleep(Math.min(POLL.toMillis(), lines.startMillis() - now));
      }
      producer.commitTransaction();
      long late = System.currentTimeMillis() - lines.startMillis();
      endWithALine(topic);
      return new Write(millis, late);
    }
  }

  /**
   * Writes an empty line (no words) to each partition outside any transaction, after the
   * transaction's marker: Spark's reader of non-consecutive offsets, having read a range's last
   * line, polls until it finds a record at or past the range's end, and fails after 2 minutes if
   * the log ends with a marker.
   */
  private void endWithALine(String topic) throws Exception {
    try (KafkaProducer<String, String> plain =
        broker.producer(StringSerializer.class, StringSerializer.class)) {
      CheckedSends<String, String> sends = new CheckedSends<>(plain);
      for (int partition = 0; partition < partitions; partition++) {
        sends.send(new ProducerRecord<>(topic, partition, null, ""));
      }
      sends.flush();
    }
  }

  /** The non-empty lines of the benchmarks' Zipf text, generated once. */
  private List<String> textLines() throws Exception {
    Path text = ZipfText.ensure(dir.getParent().resolve("text"), 2);
    return Files.readAllLines(text).stream().filter(line -> !line.isBlank()).toList();
  }

  private static String readClasspath(String property) throws Exception {
    return Files.readString(Path.of(requiredPath(property))).trim();
  }

  private static String requiredPath(String property) {
    String path = System.getProperty(property, "");
    if (path.isEmpty() || !Files.exists(Path.of(path))) {
      throw new IllegalStateException(
          "-D"
              + property
              + " names no file ("
              + path
              + "); build first: mvn -B -q install -DskipTests -pl spark-streaming-bench,examples"
              + " -am");
    }
    return path;
  }

  private void printSummary() {
    System.out.printf(
        "%nBatch processing time in ms, pooled over the measured rounds: empty batches and full"
            + " batches (%,d records); records/s = full batches' records / their processing time%n",
        recordsPerBatch);
    System.out.printf(
        "  %-38s %8s %8s %8s %8s %8s %8s %12s%n",
        "variant", "empty n", "median", "p95", "full n", "median", "p95", "records/s");
    for (OverheadVariant variant : variants) {
      Pooled p = pooled.get(variant);
      if (p == null) {
        System.out.printf("  %-38s no successful measured run%n", variant.label());
        continue;
      }
      System.out.printf(
          "  %-38s %8d %8.0f %8.0f %8d %8.0f %8.0f %,12.0f%n",
          variant.label(),
          p.emptyMillis.size(),
          BenchSupport.median(p.emptyMillis),
          BenchSupport.percentile(p.emptyMillis, 95),
          p.fullMillis.size(),
          BenchSupport.median(p.fullMillis),
          BenchSupport.percentile(p.fullMillis, 95),
          recordsPerSecond(p));
    }
    System.out.printf(
        "%nRatios MicroBatchRunner / Spark Streaming (times: below 1 is faster; records/s: above 1"
            + " is faster)%n");
    System.out.printf(
        "  %-10s %12s %12s %12s %12s %12s%n",
        "interval", "empty median", "empty p95", "full median", "full p95", "records/s");
    for (OverheadVariant ours : variants) {
      Pooled mine = pooled.get(ours);
      Pooled theirs = pooled.get(new OverheadVariant(App.SPARK_STREAMING, ours.intervalMillis()));
      if (ours.app() != App.MICROBATCH || mine == null || theirs == null) {
        continue;
      }
      System.out.printf(
          "  %-10s %12.2f %12.2f %12.2f %12.2f %12.2f%n",
          ours.intervalMillis() + " ms",
          BenchSupport.median(mine.emptyMillis) / BenchSupport.median(theirs.emptyMillis),
          BenchSupport.percentile(mine.emptyMillis, 95)
              / BenchSupport.percentile(theirs.emptyMillis, 95),
          BenchSupport.median(mine.fullMillis) / BenchSupport.median(theirs.fullMillis),
          BenchSupport.percentile(mine.fullMillis, 95)
              / BenchSupport.percentile(theirs.fullMillis, 95),
          recordsPerSecond(mine) / recordsPerSecond(theirs));
    }
    System.out.printf("%nrecords/s per run (median of the measured runs)%n");
    measurements.printMedians(variants, OverheadVariant::label, 38, "%,12.0f");
    System.out.println(
        measurements.allCorrect()
            ? "  every run completed its batches and wrote right word counts"
            : "  SOME RUNS FAILED OR WROTE WRONG COUNTS: see above");
  }

  private static double recordsPerSecond(Pooled p) {
    return p.fullRecords / (p.fullProcessingMillis / 1000.0);
  }
}
