package dev.microbatch.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
    Path checkpoints = prepare(CRASH);
    Path logs = logs();
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);

    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicInteger produced = new AtomicInteger();
    Thread producer =
        new Thread(() -> produce(CRASH, RECORDS, produced, producing), "crash-test-producer");
    producer.start();

    List<Long> killedAfterMillis = new ArrayList<>();
    List<Path> killedLogs = new ArrayList<>();
    try {
      for (int run = 0; run < KILLS; run++) {
        java.util.Set<Path> logsBefore = eventLogs();
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
        java.util.Set<Path> logsAfter = eventLogs();
        logsAfter.removeAll(logsBefore);
        assertEquals("the run's event log", 1, logsAfter.size());
        killedLogs.addAll(logsAfter);
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
        Map<String, List<String>> out = awaitEverythingConsumed(CRASH, RECORDS);
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
        checkKilledRunsEventLogs(killedLogs, context);
      } finally {
        last.destroyForcibly();
        last.waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      producing.set(false);
      producer.join();
    }
  }

  /** Input: {@code records} records over KEYS keys, written steadily while the job is hit. */
  private static void produce(
      Job job, int records, AtomicInteger produced, AtomicBoolean producing) {
    try (KafkaProducer<String, String> producer =
        KAFKA.producer(StringSerializer.class, StringSerializer.class)) {
      while (producing.get() && produced.get() < records) {
        for (int i = 0; i < 20 && produced.get() < records; i++) {
          int n = produced.getAndIncrement();
          producer.send(record(job.input(), n));
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
    Path checkpoints = prepare(job);
    produce(job, 0, records);
    Path logs = logs();
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
      check(awaitEverythingConsumed(job, records), records, "logs in " + logs);
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

  /**
   * The broker stops for a while and comes back with its data, on the same port, while input keeps
   * arriving: the running job waits for it (reads, transactions and offsets alike) and goes on,
   * with every result published exactly once.
   */
  @Test
  public void aBrokerThatStopsForAWhileAndComesBackIsSurvivedWithNothingLostOrDoubled()
      throws Exception {
    Job job = new Job("outage-in", "outage-out", "outage-job");
    int records = 3_000;
    Path checkpoints = prepare(job);
    Path log = freshLog(logs(), "outage.log");
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicInteger produced = new AtomicInteger();
    Thread producer =
        new Thread(() -> produce(job, records, produced, producing), "outage-test-producer");
    Process running = startJob(job, ExactlyOnceKafkaJob.class, List.of(), checkpoints, log);
    try {
      producer.start();
      awaitFirstBatch(log, running);
      KAFKA.shutDown();
      try {
        // The outage's length: longer than the clients' first retries, far shorter than their
        // time-outs.
        Thread.sleep(8_000);
      } finally {
        KAFKA.restart();
      }
      producer.join();
      check(awaitEverythingConsumed(job, records), records, "log in " + log);
      assertTrue("the job lived through the outage; see " + log, running.isAlive());
    } finally {
      producing.set(false);
      producer.join();
      running.destroyForcibly();
      running.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A damaged latest checkpoint, cut short or with one byte flipped, is refused at start with an
   * error that names it; resuming from the checkpoint before it would publish the batches committed
   * since again. Once the file is restored, the job resumes from it with nothing lost or doubled.
   */
  @Test
  public void aDamagedLatestCheckpointIsRefusedNamingItAndNothingIsLostOrDoubled()
      throws Exception {
    Job job = new Job("damage-in", "damage-out", "damage-job");
    Path checkpoints = prepare(job);
    produce(job, 0, 1_500);
    Path logs = logs();

    Path firstLog = freshLog(logs, "damage-first.log");
    Process first = startJob(job, ExactlyOnceKafkaJob.class, List.of(), checkpoints, firstLog);
    Path latest = awaitSecondCheckpoint(checkpoints, first, firstLog);
    first.destroyForcibly();
    assertTrue("job did not die", first.waitFor(30, TimeUnit.SECONDS));
    produce(job, 1_500, 3_000);
    latest = newestCheckpoint(checkpoints); // it may have written another before dying
    byte[] intact = Files.readAllBytes(latest);

    Files.write(latest, Arrays.copyOf(intact, intact.length - 7));
    String truncated = refusedStart(job, checkpoints, freshLog(logs, "damage-truncated.log"));
    assertTrue(truncated, truncated.contains(latest.getFileName().toString()));
    assertTrue(truncated, truncated.contains("truncated"));

    byte[] flipped = intact.clone();
    flipped[intact.length / 2] ^= 0x04;
    Files.write(latest, flipped);
    String altered = refusedStart(job, checkpoints, freshLog(logs, "damage-flipped.log"));
    assertTrue(altered, altered.contains(latest.getFileName().toString()));
    assertTrue(altered, altered.contains("CRC32C"));

    Files.write(latest, intact);
    Path resumedLog = freshLog(logs, "damage-restored.log");
    Process resumed = startJob(job, ExactlyOnceKafkaJob.class, List.of(), checkpoints, resumedLog);
    try {
      awaitFirstBatch(resumedLog, resumed);
      check(awaitEverythingConsumed(job, 3_000), 3_000, "logs in " + logs);
      assertTrue(
          "resumed from the restored checkpoint; see " + resumedLog,
          Files.readString(resumedLog).contains("Resuming from"));
    } finally {
      resumed.destroyForcibly();
      resumed.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts the job, expects it to refuse to run, and returns the refusal's line of its log. */
  private static String refusedStart(Job job, Path checkpoints, Path log) throws Exception {
    Process refused = startJob(job, ExactlyOnceKafkaJob.class, List.of(), checkpoints, log);
    if (!refused.waitFor(120, TimeUnit.SECONDS)) {
      refused.destroyForcibly();
      throw new AssertionError("the job ran on from a damaged checkpoint; see " + log);
    }
    assertTrue("exit status of a refused start; see " + log, refused.exitValue() != 0);
    return Files.readAllLines(log).stream()
        .filter(line -> line.contains("Not resuming from --checkpointLocation="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no refusal in " + log));
  }

  /** Waits until the job has written two checkpoints, and returns the newer one. */
  private static Path awaitSecondCheckpoint(Path checkpoints, Process job, Path log)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline && job.isAlive()) {
      if (checkpointFiles(checkpoints).size() >= 2) {
        return newestCheckpoint(checkpoints);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the job did not write two checkpoints; see " + log);
  }

  private static Path newestCheckpoint(Path checkpoints) throws Exception {
    List<Path> files = checkpointFiles(checkpoints);
    return files.get(files.size() - 1);
  }

  private static List<Path> checkpointFiles(Path checkpoints) throws Exception {
    try (var files = Files.list(checkpoints)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("checkpoint-"))
          .sorted()
          .toList();
    }
  }

  /** Creates the job's topics, 4 partitions each, and returns a new checkpoint directory. */
  private Path prepare(Job job) throws Exception {
    KAFKA.createTopic(job.input(), 4);
    KAFKA.createTopic(job.output(), 4);
    return temp.newFolder(job.group() + "-checkpoints").toPath();
  }

  /** Where the jobs' logs go. */
  private static Path logs() throws Exception {
    return Files.createDirectories(Path.of("target", "crash-test-logs"));
  }

  private static java.util.Set<Path> eventLogs() throws Exception {
    try (java.util.stream.Stream<Path> files = Files.list(events())) {
      return files.collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
  }

  /** Where the jobs write their event logs, one per run. */
  private static Path events() throws Exception {
    return Files.createDirectories(logs().resolve("events"));
  }

  /**
   * The event logs of the runs that were killed: each is whole up to where the kill cut it (only
   * its last line may be cut short), holds the batches the run completed, and never says the run
   * ended.
   */
  private static void checkKilledRunsEventLogs(List<Path> killedLogs, String context)
      throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (Path log : killedLogs) {
      List<String> lines = Files.readAllLines(log);
      int completed = 0;
      for (int i = 0; i < lines.size(); i++) {
        String event;
        try {
          event = json.readTree(lines.get(i)).get("event").asText();
        } catch (java.io.IOException e) {
          assertEquals(
              "only the last line may be cut short: " + log + "; " + context, lines.size() - 1, i);
          continue;
        }
        assertTrue("a killed run logged its end: " + log, !event.equals("RunEnded"));
        completed += event.equals("BatchCompleted") ? 1 : 0;
      }
      assertTrue("no completed batch in " + log + "; " + context, completed > 0);
    }
  }

  private static Path freshLog(Path logs, String name) throws Exception {
    Path log = logs.resolve(name);
    Files.deleteIfExists(log);
    return log;
  }

  /** Records {@code from} (inclusive) to {@code to} (exclusive) of {@code job}'s input. */
  private static void produce(Job job, int from, int to) {
    try (KafkaProducer<String, String> producer =
        KAFKA.producer(StringSerializer.class, StringSerializer.class)) {
      for (int n = from; n < to; n++) {
        producer.send(record(job.input(), n));
      }
      producer.flush();
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
    command.add("--uiPort=0");
    command.add("--eventLogDir=" + events());
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /**
   * Waits until the job's group has committed offsets at the input's end, then reads the output.
   * The sink commits those offsets in the transaction of the batch that consumed the last record,
   * so every result the input can ever give, duplicates included, is in a transaction that
   * committed by then; reading to the output's end offsets finds each of them.
   */
  private static Map<String, List<String>> awaitEverythingConsumed(Job job, int records)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long consumed = 0;
    try (Admin admin = KAFKA.admin()) {
      while (consumed < records) {
        consumed = 0;
        for (OffsetAndMetadata offset :
            admin
                .listConsumerGroupOffsets(job.group())
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .values()) {
          consumed += offset.offset();
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "group " + job.group() + " consumed " + consumed + " of " + records + " records");
        }
        Thread.sleep(200);
      }
    }
    return readOutput(job.output());
  }

  private static int count(Map<String, List<String>> out) {
    return out.values().stream().mapToInt(List::size).sum();
  }

  /** Everything committed to the output topic, per key in offset order. */
  private static Map<String, List<String>> readOutput(String topic) throws Exception {
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
      Map<TopicPartition, Long> ends = committedEnds(consumer, partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
        }
      }
    }
    return byKey;
  }

  /**
   * The output's end offsets once no transaction is open on it: a committed transaction's markers
   * reach the partitions a moment after the commit, and until then its records are not readable.
   */
  private static Map<TopicPartition, Long> committedEnds(
      KafkaConsumer<String, String> committed, List<TopicPartition> partitions) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (KafkaConsumer<String, String> uncommitted =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      while (true) {
        Map<TopicPartition, Long> stable = committed.endOffsets(partitions);
        Map<TopicPartition, Long> written = uncommitted.endOffsets(partitions);
        if (stable.equals(written)) {
          return stable;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "transactions still open on the output: stable " + stable + ", written " + written);
        }
        Thread.sleep(100);
      }
    }
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
