package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.state.StateChain;
import java.util.List;
import java.util.Optional;

/**
 * What a checkpoint directory holds: the latest checkpoint, the files its keyed state is read from
 * (its snapshot and the deltas after it, checked, not yet read) and the batches pending after it,
 * oldest first (at most one when every batch is checkpointed).
 */
public record Recovery(
    Optional<Checkpoint> checkpoint, StateChain state, List<PendingBatch> pending) {

  public Recovery {
    pending = List.copyOf(pending);
  }

  public static Recovery none() {
    return new Recovery(Optional.empty(), StateChain.empty(), List.of());
  }
}
