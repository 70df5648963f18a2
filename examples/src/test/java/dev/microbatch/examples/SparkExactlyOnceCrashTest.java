package dev.microbatch.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.examples.CrashTestKit.Job;
import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.spark.cluster.LocalStandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The exactly-once claim on a Spark cluster, tested the hard way: {@link ExactlyOnceKafkaJob} is
 * launched with spark-submit (the runnable jar, as a user launches it) against a loopback standalone
 * cluster, its stages and keyed state on the executors, while input keeps arriving. One test kills
 * executor JVMs (kill -9) mid-stream, the other the driver, several times each; a {@code
 * read_committed} consumer then finds every input record's result exactly once, each key numbered
 * 1..n in input order (so keyed state was neither lost nor applied twice).
 */
public class SparkExactlyOnceCrashTest {

  private static final int RECORDS = 3_000;

  /**
   * How long a new driver may take to complete its first batch: each run is a new Spark
   * application, whose executors first fetch the runnable jar (about 140 MB) from the driver.
   */
  private static final java.time.Duration FIRST_BATCH = java.time.Duration.ofSeconds(240);
  private static final int KILLS = 3;

  @ClassRule public static final EmbeddedKafkaBroker KAFKA = new EmbeddedKafkaBroker();
  private static final CrashTestKit KIT = new CrashTestKit(KAFKA);

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private static String sparkClasspath;
  private static LocalStandaloneCluster cluster;

  @BeforeClass
  public static void startCluster() throws Exception {
    // Spark's jars only, as in a Spark distribution: the runner comes in the application jar.
    Path classpathFile = Path.of(System.getProperty("spark.jarsClasspathFile", "missing"));
    assertTrue(
        "no Spark classpath at "
            + classpathFile
            + ": build the spark module first (mvn -pl examples -am ...)",
        Files.exists(classpathFile));
    sparkClasspath = Files.readString(classpathFile).trim();
    cluster =
        LocalStandaloneCluster.start(
            LocalStandaloneCluster.Spec.twoWorkers(),
            sparkClasspath,
            LocalStandaloneCluster.sparkJavaOptions());
  }

  @AfterClass
  public static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  public void executorsKilledMidStreamLoseAndDoubleNothing() throws Exception {
    Job job = new Job("spark-executor-in", "spark-executor-out", "spark-executor-job");
    Path checkpoints = prepare(job);
    Path log = freshLog("spark-executor-kills.log");
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread producer = KIT.startProducing(job, RECORDS, producing);
    Process driver = submit(job, checkpoints, log);
    List<String> killed = new ArrayList<>();
    try {
      CrashTestKit.awaitFirstBatch(log, driver, FIRST_BATCH);
      for (int kill = 0; kill < KILLS; kill++) {
        Thread.sleep(random.nextInt(2_000));
        List<ProcessHandle> executors = cluster.executorProcesses();
        assertTrue("no executor to kill; see " + log, !executors.isEmpty());
        ProcessHandle victim = executors.get(random.nextInt(executors.size()));
        int registered = occurrences(log, REGISTERED);
        victim.destroyForcibly(); // kill -9 of the executor JVM
        killed.add(String.valueOf(victim.pid()));
        // The next kill hits a replacement that has joined the application and run batches.
        awaitInLog(log, driver, REGISTERED, registered + 1, "a replacement executor");
        int batches = occurrences(log, BATCH_DONE);
        awaitInLog(log, driver, BATCH_DONE, batches + 2, "two batches after the replacement");
      }
      producer.join();
      Map<String, List<String>> out = KIT.awaitEverythingConsumed(job, RECORDS);
      CrashTestKit.check(
          out, RECORDS, "seed " + seed + ", executors killed " + killed + ", log " + log);
      assertTrue("the driver survived its executors' deaths; see " + log, driver.isAlive());
    } finally {
      producing.set(false);
      producer.join();
      CrashTestKit.kill(driver);
    }
  }

  @Test
  public void aDriverKilledMidStreamResumesLosingAndDoublingNothing() throws Exception {
    Job job = new Job("spark-driver-in", "spark-driver-out", "spark-driver-job");
    Path checkpoints = prepare(job);
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread producer = KIT.startProducing(job, RECORDS, producing);
    try {
      for (int run = 0; run < KILLS; run++) {
        Path log = freshLog("spark-driver-run-" + run + ".log");
        Process driver = submit(job, checkpoints, log);
        try {
          CrashTestKit.awaitFirstBatch(log, driver, FIRST_BATCH);
          Thread.sleep(random.nextInt(3_000));
        } finally {
          driver.destroyForcibly(); // SIGKILL of the driver: its executors go with it
        }
        assertTrue("the driver did not die", driver.waitFor(30, TimeUnit.SECONDS));
        if (run > 0) {
          assertTrue(
              "run " + run + " resumed from a checkpoint; see " + log,
              Files.readString(log).contains("Resuming from"));
        }
      }
      producer.join();
      Path log = freshLog("spark-driver-last.log");
      Process last = submit(job, checkpoints, log);
      try {
        CrashTestKit.awaitFirstBatch(log, last, FIRST_BATCH);
        assertTrue(
            "the last run resumed; see " + log, Files.readString(log).contains("Resuming from"));
        CrashTestKit.check(
            KIT.awaitEverythingConsumed(job, RECORDS),
            RECORDS,
            "seed " + seed + ", logs in " + logs());
      } finally {
        CrashTestKit.kill(last);
      }
    } finally {
      producing.set(false);
      producer.join();
    }
  }

  private Path prepare(Job job) throws Exception {
    KIT.createTopics(job);
    return temp.newFolder(job.group() + "-checkpoints").toPath();
  }

  private static Path logs() throws Exception {
    return Files.createDirectories(Path.of("target", "crash-test-logs"));
  }

  private static Path freshLog(String name) throws Exception {
    Path log = logs().resolve(name);
    Files.deleteIfExists(log);
    return log;
  }

  /**
   * Launches the job as Spark users do: spark-submit (Spark's own main, from the Maven artifacts)
   * with the runnable jar, in client mode, so that this process is the driver.
   */
  private static Process submit(Job job, Path checkpoints, Path log) throws Exception {
    List<String> arguments = new ArrayList<>();
    arguments.add("--clusterMaster=spark");
    arguments.addAll(KIT.jobArguments(job, checkpoints, 500));
    List<String> command =
        cluster.clientSubmitCommand(
            sparkClasspath,
            "768m",
            Map.of(),
            ExactlyOnceKafkaJob.class.getName(),
            System.getProperty("examples.jar"),
            arguments);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** The driver's line for a completed batch. */
  private static final String BATCH_DONE = " records in, processing ";

  /** Spark's driver line for an executor that joined the application. */
  private static final String REGISTERED = "Registered executor";

  private static int occurrences(Path log, String line) throws Exception {
    String text = Files.readString(log);
    int count = 0;
    for (int i = text.indexOf(line); i >= 0; i = text.indexOf(line, i + 1)) {
      count++;
    }
    return count;
  }

  /** Waits until the driver's log holds {@code line} {@code count} times, the driver alive. */
  private static void awaitInLog(Path log, Process driver, String line, int count, String what)
      throws Exception {
    // A replacement executor first fetches the runnable jar, as a new driver's do.
    long deadline = System.currentTimeMillis() + FIRST_BATCH.toMillis();
    long nextReport = System.currentTimeMillis() + 10_000;
    while (occurrences(log, line) < count) {
      assertTrue("the driver died after an executor kill; see " + log, driver.isAlive());
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "no " + what + " within " + FIRST_BATCH.toSeconds() + " s of an executor kill; see " + log);
      }
      if (System.currentTimeMillis() > nextReport) {
        System.out.println("Waiting for " + what + " after an executor kill; see " + log);
        nextReport += 10_000;
      }
      Thread.sleep(100);
    }
  }
}
