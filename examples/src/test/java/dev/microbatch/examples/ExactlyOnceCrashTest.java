package dev.microbatch.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.examples.CrashTestKit.Job;
import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
  private static final int KILLS = 3;

  @ClassRule public static final EmbeddedKafkaBroker KAFKA = new EmbeddedKafkaBroker();

  private static final CrashTestKit KIT = new CrashTestKit(KAFKA);

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
        new Thread(() -> KIT.produce(CRASH, RECORDS, produced, producing), "crash-test-producer");
    producer.start();

    List<Long> killedAfterMillis = new ArrayList<>();
    List<Path> killedLogs = new ArrayList<>();
    try {
      for (int run = 0; run < KILLS; run++) {
        java.util.Set<Path> logsBefore = eventLogs();
        Files.deleteIfExists(logs.resolve("run-" + run + ".log"));
        // Runs alternate between the heap and the RocksDB state backend: each restores the
        // other's checkpoints (their format is the same), and both are killed mid-stream. The
        // middle runs checkpoint every 4th batch: the run after each replays the batches
        // committed since its last checkpoint, whose transactions committed, publishing nothing
        // twice.
        int interval = run % 4 == 1 || run % 4 == 2 ? 4 : 1;
        Process job =
            startJob(
                CRASH,
                ExactlyOnceKafkaJob.class,
                List.of(),
                checkpoints,
                logs.resolve("run-" + run + ".log"),
                List.of(
                    "--stateBackend=" + (run % 2 == 0 ? "heap" : "rocksdb"),
                    "--checkpointIntervalBatches=" + interval));
        Path log = logs.resolve("run-" + run + ".log");
        // Killed at a random moment once this run has committed a batch of its own, so that every
        // kill hits a running stream (a slow start on a loaded machine would otherwise be killed
        // before it did anything).
        long started = System.currentTimeMillis();
        CrashTestKit.awaitFirstBatch(log, job);
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
        CrashTestKit.awaitFirstBatch(logs.resolve("run-last.log"), last);
        Map<String, List<String>> out = KIT.awaitEverythingConsumed(CRASH, RECORDS);
        String context =
            "seed "
                + seed
                + ", kills after "
                + killedAfterMillis
                + " ms after start, logs in "
                + logs;
        CrashTestKit.check(out, RECORDS, context);
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
        CrashTestKit.kill(last);
      }
    } finally {
      producing.set(false);
      producer.join();
    }
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
    KIT.produce(job, 0, records);
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
      CrashTestKit.awaitFirstBatch(resumed, second);
      CrashTestKit.check(KIT.awaitEverythingConsumed(job, records), records, "logs in " + logs);
      String log = Files.readString(resumed);
      assertTrue("the pending batch was re-run; see " + resumed, log.contains("Re-running batch"));
      assertTrue(
          "the re-run found its transaction committed; see " + resumed,
          log.contains("already committed its transaction"));
    } finally {
      CrashTestKit.kill(second);
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
        new Thread(() -> KIT.produce(job, records, produced, producing), "outage-test-producer");
    Process running = startJob(job, ExactlyOnceKafkaJob.class, List.of(), checkpoints, log);
    try {
      producer.start();
      CrashTestKit.awaitFirstBatch(log, running);
      KAFKA.shutDown();
      try {
        // The outage's length: longer than the clients' first retries, far shorter than their
        // time-outs.
        Thread.sleep(8_000);
      } finally {
        KAFKA.restart();
      }
      producer.join();
      CrashTestKit.check(KIT.awaitEverythingConsumed(job, records), records, "log in " + log);
      assertTrue("the job lived through the outage; see " + log, running.isAlive());
    } finally {
      producing.set(false);
      producer.join();
      CrashTestKit.kill(running);
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
    KIT.produce(job, 0, 1_500);
    Path logs = logs();

    Path firstLog = freshLog(logs, "damage-first.log");
    Process first = startJob(job, ExactlyOnceKafkaJob.class, List.of(), checkpoints, firstLog);
    Path latest = awaitSecondCheckpoint(checkpoints, first, firstLog);
    first.destroyForcibly();
    assertTrue("job did not die", first.waitFor(30, TimeUnit.SECONDS));
    KIT.produce(job, 1_500, 3_000);
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
      CrashTestKit.awaitFirstBatch(resumedLog, resumed);
      CrashTestKit.check(KIT.awaitEverythingConsumed(job, 3_000), 3_000, "logs in " + logs);
      assertTrue(
          "resumed from the restored checkpoint; see " + resumedLog,
          Files.readString(resumedLog).contains("Resuming from"));
    } finally {
      CrashTestKit.kill(resumed);
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
    KIT.createTopics(job);
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

  private static Process startJob(
      Job job, Class<?> main, List<String> jvmArgs, Path checkpoints, Path log) throws Exception {
    return startJob(job, main, jvmArgs, checkpoints, log, List.of());
  }

  private static Process startJob(
      Job job,
      Class<?> main,
      List<String> jvmArgs,
      Path checkpoints,
      Path log,
      List<String> jobArgs)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(jvmArgs);
    command.add("-Dorg.slf4j.simpleLogger.log.dev.microbatch=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(KIT.jobArguments(job, checkpoints, 200));
    command.add("--eventLogDir=" + events());
    command.addAll(jobArgs);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

}
