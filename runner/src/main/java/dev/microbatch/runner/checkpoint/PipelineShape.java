package dev.microbatch.runner.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a checkpoint must match to be resumed: the graph's streams (kind and name) and the
 * parallelism, which fixes the partition a key's state lives in.
 */
public record PipelineShape(int parallelism, List<String> streams) {

  public PipelineShape {
    streams = List.copyOf(streams);
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
    Set<String> missing = new LinkedHashSet<>(streams);
    current.streams.forEach(missing::remove);
    Set<String> added = new LinkedHashSet<>(current.streams);
    streams.forEach(added::remove);
    if (!missing.isEmpty()) {
      reasons.add("no longer in the pipeline: " + String.join(", ", missing));
    }
    if (!added.isEmpty()) {
      reasons.add("new in the pipeline: " + String.join(", ", added));
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }
}
