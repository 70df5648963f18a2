package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.state.StateChain;
import java.util.Optional;

/**
 * What a checkpoint directory holds: the latest checkpoint, the files its keyed state is read from
 * (its snapshot and the deltas after it, checked, not yet read) and the batch pending after it.
 */
public record Recovery(
    Optional<Checkpoint> checkpoint, StateChain state, Optional<PendingBatch> pending) {

  public static Recovery none() {
    return new Recovery(Optional.empty(), StateChain.empty(), Optional.empty());
  }
}
