package dev.microbatch.runner.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a checkpoint must match to be resumed: the graph's streams (kind and name), the
 * parallelism, which fixes the partition a key's state lives in, and where the backend keeps keyed
 * state (recorded among the streams as {@code keyed-state:<where>}, so that the file layout
 * stays).
 */
public record PipelineShape(int parallelism, List<String> streams) {

  private static final String KEYED_STATE = "keyed-state:";

  public PipelineShape {
    streams = List.copyOf(streams);
  }

  /** The shape of a graph whose backend keeps keyed state in {@code keyedStateLocation}. */
  public static PipelineShape of(int parallelism, List<String> streams, String keyedStateLocation) {
    List<String> all = new ArrayList<>(streams);
    all.add(KEYED_STATE + keyedStateLocation);
    return new PipelineShape(parallelism, all);
  }

  private Optional<String> keyedStateLocation() {
    return streams.stream()
        .filter(s -> s.startsWith(KEYED_STATE))
        .map(s -> s.substring(KEYED_STATE.length()))
        .findFirst();
  }

  /** Why {@code current} cannot resume a checkpoint of this shape; empty when it can. */
  public Optional<String> mismatch(PipelineShape current) {
    List<String> reasons = new ArrayList<>();
    if (parallelism != current.parallelism) {
      reasons.add(
          "--parallelism was "
              + parallelism
              + " and is now "
              + current.parallelism
              + " (keyed state is partitioned by it)");
    }
    // A checkpoint from before the location was recorded kept keyed state in itself.
    String before = keyedStateLocation().orElse("checkpoint");
    String now = current.keyedStateLocation().orElse("checkpoint");
    if (!before.equals(now)) {
      reasons.add(
          "keyed state was kept in "
              + before
              + " and this backend keeps it in "
              + now
              + " (resume with the backend that wrote the checkpoint)");
    }
    Set<String> missing = new LinkedHashSet<>(streams);
    current.streams.forEach(missing::remove);
    Set<String> added = new LinkedHashSet<>(current.streams);
    streams.forEach(added::remove);
    missing.removeIf(s -> s.startsWith(KEYED_STATE));
    added.removeIf(s -> s.startsWith(KEYED_STATE));
    if (!missing.isEmpty()) {
      reasons.add("no longer in the pipeline: " + String.join(", ", missing));
    }
    if (!added.isEmpty()) {
      reasons.add("new in the pipeline: " + String.join(", ", added));
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }
}
