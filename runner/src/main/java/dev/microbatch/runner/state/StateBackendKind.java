package dev.microbatch.runner.state;

import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;

/**
 * The state backends {@code --stateBackend} chooses from. Flink's names for its heap backend
 * ({@code hashmap}, {@code filesystem}) mean the heap one here too, so that a Flink user's option
 * value works.
 */
public enum StateBackendKind implements Serializable {
  HEAP,
  ROCKSDB;

  /** The backend named by {@code --stateBackend}; heap when it is not set. */
  public static StateBackendKind named(Optional<String> name) {
    if (name.isEmpty()) {
      return HEAP;
    }
    switch (name.get().trim().toLowerCase(Locale.ROOT)) {
      case "heap":
      case "hashmap":
      case "filesystem":
        return HEAP;
      case "rocksdb":
        return ROCKSDB;
      default:
        throw new IllegalArgumentException(
            "unknown state backend '" + name.get() + "': use heap or rocksdb");
    }
  }
}
