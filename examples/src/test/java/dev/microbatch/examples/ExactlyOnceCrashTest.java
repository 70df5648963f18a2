package dev.microbatch.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The exactly-once claim, tested the hard way: {@link ExactlyOnceKafkaJob} runs in a child JVM that
 * is killed with SIGKILL at random moments while input keeps arriving, and restarted each time with
 * the same checkpoint directory. A {@code read_committed} consumer then finds every input record's
 * result exactly once, with each key's numbers 1..n in input order (so keyed state was neither lost
 * nor applied twice).
 */
public class ExactlyOnceCrashTest {

  private static final int RECORDS = 6_000;
  private static final int KEYS = 24;
  private static final int KILLS = 3;

  @ClassRule public static final EmbeddedKafkaBroker KAFKA = new EmbeddedKafkaBroker();

  /** The topics and consumer group one job works with. */
  private record Job(String input, String output, String group) {}

  private static final Job CRASH = new Job("crash-in", "crash-out", "crash-job");
  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  @Test
  public void everyRecordIsPublishedExactlyOnceAcrossKillsAndRestarts() throws Exception {
    KAFKA.createTopic(CRASH.input(), 4);
    KAFKA.createTopic(CRASH.output(), 4);
    Path checkpoints = temp.newFolder("checkpoints").toPath();
    Path logs = Files.createDirectories(Path.of("target", "crash-test-logs"));
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);

    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicInteger produced = new AtomicInteger();
    Thread producer = new Thread(() -> produce(produced, producing), "crash-test-producer");
    producer.start();

    List<Long> killedAfterMillis = new ArrayList<>();
    try {
      for (int run = 0; run < KILLS; run++) {
        Files.deleteIfExists(logs.resolve("run-" + run + ".log"));
        Process job =
            startJob(
                CRASH,
                ExactlyOnceKafkaJob.class,
                List.of(),
                checkpoints,
                logs.resolve("run-" + run + ".log"));
        Path log = logs.resolve("run-" + run + ".log");
        // Killed at a random moment once this run has committed a batch of its own, so that every
        // kill hits a running stream (a slow start on a loaded machine would otherwise be killed
        // before it did anything).
        long started = System.currentTimeMillis();
        awaitFirstBatch(log, job);
        Thread.sleep(random.nextInt(3_000));
        long lifetime = System.currentTimeMillis() - started;
        job.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no abort
        assertTrue("job did not die", job.waitFor(30, TimeUnit.SECONDS));
        killedAfterMillis.add(lifetime);
      }
      producer.join();
      Files.deleteIfExists(logs.resolve("run-last.log"));
      Process last =
          startJob(
              CRASH,
              ExactlyOnceKafkaJob.class,
              List.of(),
              checkpoints,
              logs.resolve("run-last.log"));
      try {
        awaitFirstBatch(logs.resolve("run-last.log"), last);
        awaitOutput(CRASH.output(), RECORDS, Duration.ofSeconds(120));
        // A little longer: a duplicate would arrive after the last record.
        Thread.sleep(3_000);
        Map<String, List<String>> out = readOutput(CRASH.output());
        String context =
            "seed "
                + seed
                + ", kills after "
                + killedAfterMillis
                + " ms after start, logs in "
                + logs;
        check(out, RECORDS, context);
        // Each restart must have resumed from a checkpoint: the kills hit a running stream.
        int resumed = 0;
        for (int run = 1; run < KILLS; run++) {
          resumed +=
              Files.readString(logs.resolve("run-" + run + ".log")).contains("Resuming from")
                  ? 1
                  : 0;
        }
        resumed += Files.readString(logs.resolve("run-last.log")).contains("Resuming from") ? 1 : 0;
        assertEquals("restarts that resumed from a checkpoint; " + context, KILLS, resumed);
      } finally {
        last.destroyForcibly();
        last.waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      producing.set(false);
      producer.join();
    }
  }

  /** Input: RECORDS records over KEYS keys, written steadily while the job is killed. */
  private static void produce(AtomicInteger produced, AtomicBoolean producing) {
    try (KafkaProducer<String, String> producer =
        KAFKA.producer(StringSerializer.class, StringSerializer.class)) {
      while (producing.get() && produced.get() < RECORDS) {
        for (int i = 0; i < 20 && produced.get() < RECORDS; i++) {
          int n = produced.getAndIncrement();
          producer.send(record(CRASH.input(), n));
        }
        producer.flush();
        Thread.sleep(40);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ProducerRecord<String, String> record(String topic, int n) {
    return new ProducerRecord<>(topic, "key-" + (n % KEYS), "record-" + n);
  }

  /**
   * The crash no kill at a random moment is sure to hit: the JVM halts while writing a checkpoint,
   * after that batch's transaction committed. The restarted job re-runs the batch, learns from the
   * group's offsets (it has no memory of its own across the crash) that its transaction committed,
   * and publishes nothing twice.
   */
  @Test
  public void aCrashBetweenATransactionCommitAndItsCheckpointPublishesNothingTwice()
      throws Exception {
    Job job = new Job("halt-in", "halt-out", "halt-job");
    int records = 2_000;
    KAFKA.createTopic(job.input(), 4);
    KAFKA.createTopic(job.output(), 4);
    try (KafkaProducer<String, String> producer =
        KAFKA.producer(StringSerializer.class, StringSerializer.class)) {
      for (int n = 0; n < records; n++) {
        producer.send(record(job.input(), n));
      }
      producer.flush();
    }
    Path checkpoints = temp.newFolder("halt-checkpoints").toPath();
    Path logs = Files.createDirectories(Path.of("target", "crash-test-logs"));
    Path halted = logs.resolve("halt-first.log");
    Path resumed = logs.resolve("halt-resumed.log");
    Files.deleteIfExists(halted);
    Files.deleteIfExists(resumed);

    // Every checkpoint encodes the 24 keys' counts: the 60th encoding is in the third or a later
    // checkpoint, each written after its batch's transaction committed.
    Process first =
        startJob(
            job, HaltingExactlyOnceJob.class, List.of("-Dhalt.onEncode=60"), checkpoints, halted);
    assertTrue("the job did not halt", first.waitFor(120, TimeUnit.SECONDS));
    assertEquals("exit status of the halted job; see " + halted, 137, first.exitValue());

    Process second = startJob(job, HaltingExactlyOnceJob.class, List.of(), checkpoints, resumed);
    try {
      awaitFirstBatch(resumed, second);
      awaitOutput(job.output(), records, Duration.ofSeconds(120));
      Thread.sleep(2_000);
      check(readOutput(job.output()), records, "logs in " + logs);
      String log = Files.readString(resumed);
      assertTrue("the pending batch was re-run; see " + resumed, log.contains("Re-running batch"));
      assertTrue(
          "the re-run found its transaction committed; see " + resumed,
          log.contains("already committed its transaction"));
    } finally {
      second.destroyForcibly();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Waits until the job's log shows a completed batch. */
  private static void awaitFirstBatch(Path log, Process job) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline && job.isAlive()) {
      if (Files.exists(log) && Files.readString(log).contains(" records in, processing ")) {
        return;
      }
      Thread.sleep(50);
    }
    if (job.isAlive()) {
      // Where it is stuck, for the log.
      new ProcessBuilder("jcmd", String.valueOf(job.pid()), "Thread.print")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    }
    throw new AssertionError("the job did not complete a batch; see " + log);
  }

  private static Process startJob(
      Job job, Class<?> main, List<String> jvmArgs, Path checkpoints, Path log) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(jvmArgs);
    command.add("-Dorg.slf4j.simpleLogger.log.dev.microbatch=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.add("--bootstrapServers=" + KAFKA.bootstrapServers());
    command.add("--inputTopic=" + job.input());
    command.add("--outputTopic=" + job.output());
    command.add("--groupId=" + job.group());
    command.add("--transactionalId=" + job.group() + "-sink");
    command.add("--checkpointLocation=" + checkpoints);
    command.add("--batchIntervalMillis=200");
    command.add("--maxRecordsPerBatch=200");
    command.add("--parallelism=2");
    command.add("--logEveryBatch=true");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static void awaitOutput(String topic, int expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count(readOutput(topic)) < expected && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
    }
  }

  private static int count(Map<String, List<String>> out) {
    return out.values().stream().mapToInt(List::size).sum();
  }

  /** Everything committed to the output topic, per key in offset order. */
  private static Map<String, List<String>> readOutput(String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, List<String>> byKey = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
        }
      }
    }
    return byKey;
  }

  /** 0 lost, 0 duplicated, and each key numbered 1..n in input order. */
  private static void check(Map<String, List<String>> out, int records, String context) {
    TreeSet<Integer> seen = new TreeSet<>();
    int duplicates = 0;
    for (Map.Entry<String, List<String>> key : out.entrySet()) {
      int previousInput = -1;
      for (int i = 0; i < key.getValue().size(); i++) {
        String[] parts = key.getValue().get(i).split("\\|n=");
        int input = Integer.parseInt(parts[0].substring("record-".length()));
        assertEquals(
            "key "
                + key.getKey()
                + " numbered out of order at "
                + key.getValue().get(i)
                + "; "
                + context,
            i + 1,
            Integer.parseInt(parts[1]));
        assertTrue(
            "input order broken for " + key.getKey() + "; " + context, input > previousInput);
        assertEquals("key of record-" + input, "key-" + (input % KEYS), key.getKey());
        previousInput = input;
        if (!seen.add(input)) {
          duplicates++;
        }
      }
    }
    int lost = records - seen.size();
    System.out.printf(
        "Crash test: %d records in, %d results out, %d lost, %d duplicated (%s)%n",
        records, count(out), lost, duplicates, context);
    assertEquals("duplicated results; " + context, 0, duplicates);
    assertEquals("lost records; " + context, 0, lost);
    assertEquals("results; " + context, records, count(out));
  }
}
