package dev.microbatch.spark.task;

import dev.microbatch.runner.state.StateCheckpoint;
import dev.microbatch.runner.state.StateChain;
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

  /** A version of a partition's state: its batch, and the chain of files it is read from. */
  record Version(long version, long snapshotVersion, int deltas) {}

  /** A partition's state as a task opened it: the stores and the version they hold, if any. */
  record Opened(StateStores stores, Optional<Version> version) {}

  private record Cached(Version version, StateStores stores) {}

  private static final ConcurrentHashMap<String, Cached> CACHE = new ConcurrentHashMap<>();

  private ExecutorStateStores() {}

  private static String key(StageTaskSpec.StateVersions versions, String stage, int partition) {
    return versions.runId() + "/" + stage + "#" + partition;
  }

  /**
   * The partition's state as of the last committed batch: the newest version written at or before
   * it (a task that did not open or change its state wrote none), from the cache when the cached
   * copy is that version. The cached copy is taken out while the task runs, so a task that fails
   * leaves nothing half-changed behind for the next one.
   */
  static Opened open(StageTaskSpec.StateVersions versions, String stage, int partition)
      throws IOException {
    Cached cached = CACHE.remove(key(versions, stage, partition));
    Optional<Long> newest = Optional.empty();
    Path directory = StateFiles.partitionDirectory(versions.directory(), stage, partition);
    if (versions.readVersion().isPresent()) {
      newest = StateFiles.newestUpTo(directory, versions.readVersionMillis());
    }
    if (cached != null
        && newest.isPresent()
        && cached.version().version() == newest.get()) {
      return new Opened(cached.stores(), Optional.of(cached.version()));
    }
    if (cached != null) {
      cached.stores().close(); // a later, uncommitted version, or of a run that restarted
    }
    StateStores stores = new StateStores(versions.backend().open(), true);
    if (newest.isEmpty()) {
      return new Opened(stores, Optional.empty()); // never had state
    }
    StateChain chain = StateFiles.read(directory, newest.get());
    try {
      stores.restore(chain);
    } catch (IOException | RuntimeException e) {
      stores.close();
      throw e;
    }
    return new Opened(
        stores, Optional.of(new Version(newest.get(), chain.snapshotVersion(), chain.deltas())));
  }

  /**
   * Writes this batch's version of the partition's state (a snapshot every {@code snapshotEvery}
   * versions, else what changed; nothing when nothing did) and keeps it cached for the next.
   */
  static void commit(
      StageTaskSpec.StateVersions versions, String stage, int partition, Opened opened)
      throws IOException {
    Path directory = StateFiles.partitionDirectory(versions.directory(), stage, partition);
    Optional<Version> base = opened.version();
    boolean snapshot =
        base.isEmpty() || StateChain.snapshotDue(base.get().deltas(), versions.snapshotEvery());
    StateCheckpoint state =
        opened.stores().checkpoint(snapshot ? Optional.empty() : base.map(Version::version));
    Path file = StateFiles.version(directory, versions.writeVersion());
    Version written;
    if (!snapshot && state.stores().isEmpty()) {
      // Unchanged: the version it was read as stands for this batch too.
      StateFiles.delete(file);
      written = base.get();
    } else {
      StateFiles.write(file, state);
      written =
          snapshot
              ? new Version(versions.writeVersion(), versions.writeVersion(), 0)
              : new Version(
                  versions.writeVersion(), base.get().snapshotVersion(), base.get().deltas() + 1);
    }
    // The chain of the version this one was built on stays until the batch commits: a retry goes
    // back to it.
    if (base.isPresent()) {
      StateFiles.pruneBefore(directory, base.get().snapshotVersion());
    }
    CACHE.put(key(versions, stage, partition), new Cached(written, opened.stores()));
  }

  /** A task that failed: the state it opened and changed is dropped (a retry reads the files). */
  static void discard(Opened opened) {
    opened.stores().close();
  }

  /** Drops what this JVM cached for a run that has ended (a driver running tasks in local mode). */
  public static void forgetRun(String runId) {
    CACHE.entrySet()
        .removeIf(
            entry -> {
              boolean ended = entry.getKey().startsWith(runId + "/");
              if (ended) {
                entry.getValue().stores().close();
              }
              return ended;
            });
  }
}
