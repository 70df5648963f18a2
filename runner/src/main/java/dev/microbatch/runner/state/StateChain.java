package dev.microbatch.runner.state;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The state as of one checkpoint, as the files that hold it: a snapshot, then each delta built on
 * the one before it, oldest first. Nothing is read into memory until it is replayed, one key at a
 * time, into a {@link StateSink}.
 */
public final class StateChain {

  /** Reads one version's keys into a sink. */
  @FunctionalInterface
  public interface Replay {
    void into(StateSink sink) throws IOException;
  }

  /**
   * One checkpoint's keyed state where a backend keeps it (a file), checked and ready to read: the
   * version it builds on ({@code parent}, empty for a snapshot) and how to read its keys.
   */
  public record Version(Optional<Long> parent, Replay keys) {}

  /** Finds one version's state, wherever a backend keeps them. */
  @FunctionalInterface
  public interface VersionReader {
    Version read(long version) throws IOException;
  }

  private static final StateChain EMPTY = new StateChain(List.of(), Long.MIN_VALUE);

  private final List<Version> versions;
  private final long snapshotVersion;

  private StateChain(List<Version> versions, long snapshotVersion) {
    this.versions = List.copyOf(versions);
    this.snapshotVersion = snapshotVersion;
  }

  /** No state: a run before its first checkpoint. */
  public static StateChain empty() {
    return EMPTY;
  }

  /** The chain of {@code version}: it and the versions it builds on, back to a snapshot. */
  public static StateChain read(long version, VersionReader reader) throws IOException {
    List<Version> chain = new ArrayList<>();
    long current = version;
    Version state = reader.read(current);
    chain.add(state);
    while (state.parent().isPresent()) {
      current = state.parent().get();
      state = reader.read(current);
      chain.add(state);
    }
    Collections.reverse(chain);
    return new StateChain(chain, current);
  }

  /** Reads the snapshot, then each delta in order, into {@code sink}. */
  public void replayInto(StateSink sink) throws IOException {
    for (Version version : versions) {
      version.keys().into(sink);
    }
  }

  /** The version of the snapshot the chain starts from. */
  public long snapshotVersion() {
    return snapshotVersion;
  }

  /** How many deltas follow the snapshot. */
  public int deltas() {
    return Math.max(0, versions.size() - 1);
  }

  /** Whether the checkpoint after one with a chain of this many deltas is a snapshot again. */
  public static boolean snapshotDue(int deltasSinceSnapshot, int snapshotEvery) {
    return deltasSinceSnapshot + 1 >= snapshotEvery;
  }
}
