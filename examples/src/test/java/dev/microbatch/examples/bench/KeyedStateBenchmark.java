package dev.microbatch.examples.bench;

import dev.microbatch.examples.bench.BatchLog.Batch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Keyed state side by side: the same keyed count ({@link KeyedStateJob}) with the heap and the
 * RocksDB state backend, each with incremental checkpoints (a snapshot every 10, deltas between)
 * and with a full snapshot every batch ({@code --stateSnapshotEvery=1}), each run in a JVM of its
 * own with the same fixed heap, one after another, each with one task per stage ({@code
 * --parallelism=1}) and one element per batch. Per run it prints, over the batches that count a
 * share of the keys again (the last batch, which emits and drops every key, left out), the median
 * and largest checkpoint (bytes, milliseconds), the median and p95 processing time, the share of
 * the whole state (the largest checkpoint of any run) a median checkpoint writes, and the JVM's
 * peak heap in use and peak resident memory; and whether the counts added up.
 *
 * <p>Settings are system properties: {@code stateBench.keys} (1,000,000), {@code
 * stateBench.touchPercent} (1), {@code stateBench.loadBatches} (5), {@code stateBench.touchBatches}
 * (20), {@code stateBench.heap} (the child JVMs' -Xmx, 4g), {@code stateBench.sessions} (false:
 * per key in the global window; true: per session), {@code stateBench.checkpoints} (true; false
 * runs without a checkpoint directory, to show state larger than the heap: the heap backend fails
 * with an OutOfMemoryError where RocksDB completes), {@code stateBench.variants} (all), {@code
 * bench.timeoutMin} (30 per run), {@code bench.dir}.
 */
public final class KeyedStateBenchmark {

  /** One backend and checkpoint cadence. */
  record Variant(String label, String backend, int snapshotEvery) {
    String slug() {
      return backend + "-" + (snapshotEvery == 1 ? "full" : "incremental");
    }
  }

  static final List<Variant> ALL =
      List.of(
          new Variant("heap, incremental", "heap", 10),
          new Variant("heap, full every batch", "heap", 1),
          new Variant("rocksdb, incremental", "rocksdb", 10),
          new Variant("rocksdb, full every batch", "rocksdb", 1));

  private final Path dir = Path.of(System.getProperty("bench.dir", "target/bench")).resolve("state");
  private final long keys = Long.getLong("stateBench.keys", 1_000_000);
  private final String touchPercent = System.getProperty("stateBench.touchPercent", "1");
  private final int loadBatches = Integer.getInteger("stateBench.loadBatches", 5);
  private final int touchBatches = Integer.getInteger("stateBench.touchBatches", 20);
  private final String heap = System.getProperty("stateBench.heap", "4g");
  private final boolean sessions = Boolean.getBoolean("stateBench.sessions");
  private final boolean checkpoints =
      Boolean.parseBoolean(System.getProperty("stateBench.checkpoints", "true"));
  private final long timeoutMinutes = Long.getLong("bench.timeoutMin", 30);

  public static void main(String[] args) throws Exception {
    System.exit(new KeyedStateBenchmark().run() ? 0 : 1);
  }

  private boolean run() throws Exception {
    List<Variant> variants =
        BenchSupport.selectedVariants(ALL, Variant::slug, "stateBench.variants");
    System.out.printf(
        "Keyed state benchmark: %s over %,d keys, %d batches to load them, then %d batches"
            + " counting %s%% of them again; one element per batch, 1 s batches, one task per stage; child JVMs -Xmx%s%n",
        sessions ? "Count.perKey per session (10 min gap)" : "Count.perKey (global window)",
        keys,
        loadBatches,
        touchBatches,
        touchPercent,
        heap);
    BenchSupport.printJvm();
    List<Row> rows = new ArrayList<>();
    for (Variant variant : variants) {
      Row row = runOnce(variant);
      System.out.printf("  ran %-26s %s%n", row.label(), row.result());
      rows.add(row);
    }
    // The whole state once the keys are loaded: the largest checkpoint of any run (a snapshot).
    long stateBytes = rows.stream().mapToLong(Row::maxBytes).max().orElse(0);
    System.out.printf(
        "%n%-36s %12s %12s %9s %9s %8s %8s %9s %9s %9s  %s%n",
        "variant",
        "ckpt med B",
        "ckpt max B",
        "ckpt med",
        "ckpt max",
        "proc med",
        "proc p95",
        "share",
        "heap MB",
        "RSS MB",
        "result");
    boolean ok = true;
    for (Row row : rows) {
      System.out.printf(
          "%-36s %,12d %,12d %6d ms %6d ms %5d ms %5d ms %8.2f%% %9s %9s  %s%n",
          row.label(),
          row.medianBytes(),
          row.maxBytes(),
          row.medianCheckpointMillis(),
          row.maxCheckpointMillis(),
          row.medianProcessingMillis(),
          row.p95ProcessingMillis(),
          stateBytes == 0 ? 0.0 : 100.0 * row.medianBytes() / stateBytes,
          row.maxHeapMb(),
          row.peakRssMb(),
          row.result());
      ok &= row.correct();
    }
    System.out.printf(
        "share: a median checkpoint of the batches measured, of the whole state (%,d bytes: the"
            + " largest checkpoint of any run)%n",
        stateBytes);
    return ok;
  }

  /** What one run measured. */
  private record Row(
      String label,
      long medianBytes,
      long maxBytes,
      long medianCheckpointMillis,
      long maxCheckpointMillis,
      long medianProcessingMillis,
      long p95ProcessingMillis,
      String maxHeapMb,
      String peakRssMb,
      String result,
      boolean correct) {}

  private Row runOnce(Variant variant) throws Exception {
    Path runDir = dir.resolve(variant.slug() + (sessions ? "-sessions" : ""));
    deleteTree(runDir);
    Files.createDirectories(runDir);
    String job = "state-" + variant.slug();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Xms" + heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(KeyedStateJob.class.getName());
    command.addAll(
        List.of(
            "--runner=MicroBatchRunner",
            "--jobName=" + job,
            "--logEveryBatch=false",
            "--uiPort=0",
            "--batchIntervalMillis=1000",
            "--stateBackend=" + variant.backend(),
            "--stateLocalDir=" + runDir.resolve("local").toAbsolutePath(),
            "--eventLogDir=" + runDir.resolve("events").toAbsolutePath(),
            "--keys=" + keys,
            "--loadBatches=" + loadBatches,
            "--touchBatches=" + touchBatches,
            "--touchPercent=" + touchPercent,
            // One element per batch: one split, one record per batch, always one waiting.
            "--parallelism=1",
            "--maxRecordsPerBatch=1",
            "--elementEveryMillis=10",
            "--sessions=" + sessions));
    if (checkpoints) {
      command.add("--stateSnapshotEvery=" + variant.snapshotEvery());
      command.add("--checkpointLocation=" + runDir.resolve("checkpoints").toAbsolutePath());
    }
    Path output = runDir.resolve("job.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    String result;
    if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      result = "TIMEOUT after " + timeoutMinutes + " min (see " + output + ")";
    } else {
      result =
          Files.readAllLines(output).stream()
              .filter(line -> line.startsWith("RESULT "))
              .findFirst()
              .map(line -> line.substring(7))
              .orElse("FAILED, exit " + process.exitValue() + " (see " + output + ")");
    }
    boolean correct = process.exitValue() == 0 && result.startsWith("counted=");
    List<Batch> all = BatchLog.read(runDir.resolve("events").resolve(job + ".jsonl"));
    // The batches after the load that read one element each, the last one (which emits and drops
    // every key) left out.
    List<Batch> touching = new ArrayList<>();
    long read = 0;
    for (Batch batch : all.subList(0, Math.max(0, all.size() - 1))) {
      if (read >= loadBatches && batch.records() == 1) {
        touching.add(batch);
      }
      read += batch.records();
    }
    return new Row(
        variant.label() + (checkpoints ? "" : ", no checkpoints"),
        percentile(touching, Batch::checkpointBytes, 50),
        max(all, Batch::checkpointBytes),
        percentile(touching, Batch::checkpointMillis, 50),
        max(touching, Batch::checkpointMillis),
        percentile(touching, Batch::processingMillis, 50),
        percentile(touching, Batch::processingMillis, 95),
        field(result, "maxHeapUsedMb"),
        field(result, "peakRssMb"),
        correct ? "OK (" + touching.size() + " batches measured)" : result,
        correct);
  }

  private static String field(String result, String name) {
    for (String part : result.split(" ")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    return "-";
  }

  private static long max(List<Batch> batches, ToLongFunction<Batch> value) {
    return batches.stream().mapToLong(value).max().orElse(0);
  }

  private static long percentile(List<Batch> batches, ToLongFunction<Batch> value, int p) {
    long[] sorted = batches.stream().mapToLong(value).sorted().toArray();
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
