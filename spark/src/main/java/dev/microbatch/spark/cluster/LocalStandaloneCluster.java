package dev.microbatch.spark.cluster;

import dev.microbatch.runner.net.LoopbackPorts;
import dev.microbatch.spark.Directories;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and a few Workers, each a child JVM started
 * from the Spark classes of a classpath (the Maven artifacts), with no Spark distribution.
 *
 * <p>Spark's launcher builds an executor's classpath from {@code SPARK_HOME/jars} and {@code
 * SPARK_DIST_CLASSPATH}: the cluster's {@code SPARK_HOME} is a temporary folder with an empty {@code
 * jars/}, and {@code SPARK_DIST_CLASSPATH} is the given classpath, so executors load Spark from the
 * same artifacts as the Master and Workers. Applications add their own classes as usual ({@code
 * spark.jars} or {@code spark.executor.extraClassPath}).
 *
 * <p>Every process listens on loopback only. {@link #close()} stops the Workers (which end their
 * executors) and the Master, and deletes the folder.
 */
public final class LocalStandaloneCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStandaloneCluster.class);
  private static final String HOST = LoopbackPorts.HOST;
  private static final Pattern ALIVE_WORKER = Pattern.compile("\"state\"\\s*:\\s*\"ALIVE\"");

  /** What to start: how many Workers, and the cores and memory each offers to executors. */
  /** @param masterPort the Master's port, or 0 for any free one */
  public record Spec(
      int workers,
      int coresPerWorker,
      String memoryPerWorker,
      Duration startTimeout,
      int masterPort) {
    public Spec {
      if (workers < 1 || coresPerWorker < 1) {
        throw new IllegalArgumentException(
            "A cluster needs at least one worker with one core, not " + this);
      }
    }

    /**
     * The cluster the tests use: 2 Workers of 1 core and 2 GB each (ValidatesRunner's largest
     * test shuffles 100 MB keys).
     */
    public static Spec twoWorkers() {
      return new Spec(2, 1, "2g", Duration.ofMinutes(2), 0);
    }
  }

  private final Path home;
  private final int masterPort;
  private final int masterWebUiPort;
  private final Process master;
  private final List<Process> workers;

  private LocalStandaloneCluster(
      Path home, int masterPort, int masterWebUiPort, Process master, List<Process> workers) {
    this.home = home;
    this.masterPort = masterPort;
    this.masterWebUiPort = masterWebUiPort;
    this.master = master;
    this.workers = List.copyOf(workers);
  }

  /**
   * Starts the Master and Workers with the Spark classes of {@code classpath} and waits until every
   * Worker has registered, up to {@code spec.startTimeout()}; a cluster that does not come up in
   * time is stopped and the error names what was missing and where the logs are.
   */
  public static LocalStandaloneCluster start(Spec spec, String classpath, String javaOptions)
      throws IOException, InterruptedException {
    Path home = Files.createTempDirectory("microbatch-spark-home");
    Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("logs"));
    int[] free = LoopbackPorts.distinct(2);
    int port = spec.masterPort() == 0 ? free[0] : spec.masterPort();
    // Distinct from the master's port even when that one was given.
    int webUi = free[1] == port ? free[0] : free[1];
    List<Process> started = new ArrayList<>();
    try {
      Process master =
          launch(
              home,
              classpath,
              javaOptions,
              "master",
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  HOST,
                  "--port",
                  Integer.toString(port),
                  "--webui-port",
                  Integer.toString(webUi)));
      started.add(master);
      List<Process> workers = new ArrayList<>();
      for (int i = 0; i < spec.workers(); i++) {
        Process worker =
            launch(
                home,
                classpath,
                javaOptions,
                "worker-" + i,
                List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    HOST,
                    "--cores",
                    Integer.toString(spec.coresPerWorker()),
                    "--memory",
                    spec.memoryPerWorker(),
                    "--webui-port",
                    "0",
                    "--work-dir",
                    home.resolve("work-" + i).toString(),
                    "spark://" + HOST + ":" + port));
        started.add(worker);
        workers.add(worker);
      }
      LocalStandaloneCluster cluster =
          new LocalStandaloneCluster(home, port, webUi, master, workers);
      cluster.awaitWorkers(spec.workers(), spec.startTimeout());
      return cluster;
    } catch (IllegalStateException e) {
      // The folder goes with the failed cluster: what its processes said goes into the error.
      started.forEach(LocalStandaloneCluster::stop);
      String logs = logTails(home.resolve("logs"), 20);
      Directories.deleteQuietly(home);
      throw new IllegalStateException(e.getMessage() + logs, e);
    } catch (IOException | InterruptedException | RuntimeException e) {
      started.forEach(LocalStandaloneCluster::stop);
      Directories.deleteQuietly(home);
      throw e;
    }
  }

  /** The URL applications pass as their master: {@code spark://127.0.0.1:port}. */
  public String masterUrl() {
    return "spark://" + HOST + ":" + masterPort;
  }

  /**
   * What a driver of this cluster needs besides the master URL, as {@code spark.*} settings (which
   * Spark also reads from system properties, as spark-submit passes them): it listens on the
   * loopback address, asks for executors that fit the Workers, and starts tasks only once every
   * Worker's executor has registered, so that tasks spread over both.
   */
  public java.util.Map<String, String> driverSettings() {
    return java.util.Map.of(
        "spark.driver.host", HOST,
        "spark.driver.bindAddress", HOST,
        "spark.executor.memory", "1536m",
        "spark.ui.enabled", "false",
        "spark.scheduler.minRegisteredResourcesRatio", "1.0");
  }

  /**
   * The command that submits {@code mainClass} of {@code applicationJar} to this cluster as Spark
   * users do: Spark's own spark-submit main from {@code sparkClasspath} (Spark's jars, as a
   * distribution's {@code jars/} has them), in client mode, so that the process it starts is the
   * driver; with Spark's Java options, a heap of {@code driverHeap} (a {@code -Xmx} value), this
   * cluster's {@link #driverSettings()} and then {@code conf} as {@code --conf} settings.
   */
  public List<String> clientSubmitCommand(
      String sparkClasspath,
      String driverHeap,
      Map<String, String> conf,
      String mainClass,
      String applicationJar,
      List<String> applicationArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + driverHeap);
    command.addAll(javaOptionList(sparkJavaOptions()));
    command.addAll(
        List.of(
            "-cp",
            sparkClasspath,
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            masterUrl(),
            "--deploy-mode",
            "client",
            "--class",
            mainClass));
    Map<String, String> settings = new java.util.LinkedHashMap<>(driverSettings());
    settings.putAll(conf);
    settings.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
    command.add(applicationJar);
    command.addAll(applicationArgs);
    return command;
  }

  /**
   * The executor JVMs the Workers run now (for every application), to kill one as a crash test
   * does: a Worker starts each as a child process running Spark's CoarseGrainedExecutorBackend.
   */
  public List<ProcessHandle> executorProcesses() {
    return workers.stream()
        .flatMap(Process::descendants)
        .filter(ProcessHandle::isAlive)
        .filter(process -> commandLine(process).contains("CoarseGrainedExecutorBackend"))
        .toList();
  }

  /**
   * A process's whole command line. ProcessHandle.Info cuts long ones short (an executor's
   * classpath alone is several kilobytes), so Linux's own record is read; elsewhere, what the JDK
   * gives.
   */
  private static String commandLine(ProcessHandle process) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return process.info().commandLine().orElse("");
    }
  }

  /** The Master's web UI, whose {@code /json} lists the Workers and applications. */
  public URI masterWebUi() {
    return URI.create("http://" + HOST + ":" + masterWebUiPort);
  }

  /** Where the Master's and Workers' logs are (one file each), and the Workers' executor logs. */
  public Path logDirectory() {
    return home.resolve("logs");
  }

  /** How many Workers the Master sees alive now. */
  public int aliveWorkers() throws IOException, InterruptedException {
    return countAlive(masterState());
  }

  /** The Master's state as JSON (Workers, applications, executors). */
  public String masterState() throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(masterWebUi().resolve("/json/"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private void awaitWorkers(int expected, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextLog = System.nanoTime();
    int alive = 0;
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        throw new IllegalStateException(
            "The Spark Master on port " + masterPort + " exited with " + master.exitValue());
      }
      try {
        alive = aliveWorkers();
      } catch (IOException e) {
        alive = 0; // the Master's web UI is not up yet
      }
      if (alive >= expected) {
        LOG.info("Spark standalone cluster at {} with {} workers", masterUrl(), alive);
        return;
      }
      if (System.nanoTime() >= nextLog) {
        LOG.info("Waiting for {} Spark workers at {}: {} alive so far", expected, masterUrl(), alive);
        nextLog = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      }
      // Polls the Master's state; the deadline above bounds the wait.
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException(
        "Only "
            + alive
            + " of "
            + expected
            + " Spark workers registered with "
            + masterUrl()
            + " within "
            + timeout);
  }

  /** The last {@code lines} lines of each process's log in {@code logs}, for an error message. */
  private static String logTails(Path logs, int lines) {
    StringBuilder tails = new StringBuilder();
    try (java.util.stream.Stream<Path> files = Files.list(logs)) {
      for (Path log : files.sorted().toList()) {
        List<String> all = Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
        tails.append("\n--- last lines of ").append(log.getFileName()).append(" ---\n");
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(line -> tails.append(line).append('\n'));
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      tails.append("\n(the processes' logs could not be read: ").append(e).append(')');
    }
    return tails.toString();
  }

  private static int countAlive(String masterJson) {
    // Each worker object has a "state"; applications' states are RUNNING/FINISHED, never ALIVE.
    Matcher matcher = ALIVE_WORKER.matcher(masterJson);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }

  private static Process launch(
      Path home, String classpath, String javaOptions, String name, List<String> mainAndArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(javaOptionList(javaOptions));
    command.add("-cp");
    command.add(classpath);
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_DIST_CLASSPATH", classpath);
    env.put("SPARK_LOG_DIR", home.resolve("logs").toString());
    File log = home.resolve("logs").resolve(name + ".log").toFile();
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    return builder.start();
  }

  /** Java options given as one string, separated by whitespace, as a list. */
  private static List<String> javaOptionList(String javaOptions) {
    List<String> options = new ArrayList<>();
    for (String option : javaOptions.trim().split("\\s+")) {
      if (!option.isEmpty()) {
        options.add(option);
      }
    }
    return options;
  }

  /** Stops a process and the processes it started (a Worker's executors), waiting a bounded time. */
  private static void stop(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("Spark process {} did not stop in 20 s; killing it", process.pid());
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** Stops the Workers (and their executors), then the Master, and deletes the cluster's folder. */
  @Override
  public void close() {
    workers.forEach(LocalStandaloneCluster::stop);
    stop(master);
    Directories.deleteQuietly(home);
  }

  /**
   * The options every JVM that runs Spark needs on Java 17 (Spark's module openings), as the build
   * defines them once for the tests and the cluster.
   */
  public static String sparkJavaOptions() {
    try (var in = LocalStandaloneCluster.class.getResourceAsStream("java-options.txt")) {
      if (in == null) {
        throw new IllegalStateException("java-options.txt is missing from the microbatch-spark jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a cluster with this JVM's classpath (which must hold Spark) and Spark's Java options. */
  public static LocalStandaloneCluster start(Spec spec) throws IOException, InterruptedException {
    return start(spec, System.getProperty("java.class.path"), sparkJavaOptions());
  }

  /**
   * Runs a cluster until the JVM is stopped (Ctrl-C), printing its master URL: {@code
   * LocalStandaloneCluster [workers [port]]} (2 Workers, port 7077, Spark's default, unless given);
   * the Master and Workers use this JVM's classpath.
   */
  public static void main(String[] args) throws Exception {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 7077;
    LocalStandaloneCluster cluster =
        start(new Spec(workers, 1, "2g", Duration.ofMinutes(2), port));
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "spark-cluster-stop"));
    System.out.println("Spark master: " + cluster.masterUrl());
    System.out.println("Master web UI: " + cluster.masterWebUi());
    System.out.println("Logs: " + cluster.logDirectory());
    System.out.println("Press Ctrl-C to stop the cluster.");
    Thread.currentThread().join();
  }
}
