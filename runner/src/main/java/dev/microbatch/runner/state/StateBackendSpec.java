package dev.microbatch.runner.state;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Which state backend a run's stores use and where a RocksDB one keeps its working files ({@code
 * localDir}; empty: the {@code java.io.tmpdir} of the JVM that opens it, which on a cluster is each
 * executor's). Sent to executors with their tasks.
 */
public record StateBackendSpec(StateBackendKind kind, String localDir) implements Serializable {

  public static final StateBackendSpec HEAP = new StateBackendSpec(StateBackendKind.HEAP, "");

  /** A new backend of this kind, owned by the caller. */
  public StateBackend open() {
    if (kind == StateBackendKind.HEAP) {
      return new HeapStateBackend();
    }
    return new RocksDbStateBackend(
        Path.of(localDir.isEmpty() ? System.getProperty("java.io.tmpdir") : localDir));
  }
}
