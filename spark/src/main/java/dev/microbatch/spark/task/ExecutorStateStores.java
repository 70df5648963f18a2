package dev.microbatch.spark.task;

import dev.microbatch.runner.state.StateStores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keyed state of the stage partitions whose tasks ran in this JVM, cached between batches, and
 * its versions on disk.
 *
 * <p>A task opens the version of the last committed batch: from the cache when the cached copy is
 * that version, else from its file (the partition moved here, this executor is new, or the batch is
 * a retry and the cache holds a later, uncommitted version). It commits this batch's version to
 * disk before it reports, so that once the driver commits the batch every stage partition's state
 * of that batch is on disk. The cache is the one JVM-wide structure of the backend, as an
 * executor's cache must be: it outlives tasks and batches, and nothing else lives as long as the
 * executor does.
 */
public final class ExecutorStateStores {

  private record Cached(long version, StateStores stores) {}

  private static final ConcurrentHashMap<String, Cached> CACHE = new ConcurrentHashMap<>();

  private ExecutorStateStores() {}

  private static String key(StageTaskSpec.StateVersions versions, String stage, int partition) {
    return versions.runId() + "/" + stage + "#" + partition;
  }

  /**
   * The partition's state as of the last committed batch: the newest version written at or before
   * it (a task that did not open its state wrote none), from the cache when the cached copy is that
   * version. The cached copy is taken out while the task runs, so a task that fails leaves nothing
   * half-changed behind for the next one.
   */
  static StateStores open(StageTaskSpec.StateVersions versions, String stage, int partition)
      throws IOException {
    Cached cached = CACHE.remove(key(versions, stage, partition));
    if (versions.readVersion().isEmpty()) {
      return new StateStores();
    }
    Path directory = StateFiles.partitionDirectory(versions.directory(), stage, partition);
    Optional<Long> newest = StateFiles.newestUpTo(directory, versions.readVersionMillis());
    StateStores stores = new StateStores();
    if (newest.isEmpty()) {
      return stores; // the partition has never had state
    }
    if (cached != null && cached.version() == newest.get()) {
      return cached.stores();
    }
    stores.restore(StateFiles.read(StateFiles.version(directory, newest.get())));
    return stores;
  }

  /** Writes this batch's version of the partition's state and keeps it cached for the next. */
  static void commit(
      StageTaskSpec.StateVersions versions, String stage, int partition, StateStores stores)
      throws IOException {
    Path directory = StateFiles.partitionDirectory(versions.directory(), stage, partition);
    Optional<Long> base =
        versions.readVersion().isPresent()
            ? StateFiles.newestUpTo(directory, versions.readVersionMillis())
            : Optional.empty();
    StateFiles.write(StateFiles.version(directory, versions.writeVersion()), stores.snapshot());
    CACHE.put(key(versions, stage, partition), new Cached(versions.writeVersion(), stores));
    // The version this one was built on stays until the batch commits: a retry goes back to it.
    if (base.isPresent()) {
      StateFiles.pruneBefore(directory, base.get());
    }
  }

  /** Drops what this JVM cached for a run that has ended (a driver running tasks in local mode). */
  public static void forgetRun(String runId) {
    CACHE.keySet().removeIf(key -> key.startsWith(runId + "/"));
  }
}
