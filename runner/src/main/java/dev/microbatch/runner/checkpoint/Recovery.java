package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.state.StateImage;
import java.util.Optional;

/**
 * What a checkpoint directory holds: the latest checkpoint, the keyed state as of it (its snapshot
 * and the deltas after it replayed) and the batch pending after it.
 */
public record Recovery(
    Optional<Checkpoint> checkpoint, StateImage state, Optional<PendingBatch> pending) {

  public static Recovery none() {
    return new Recovery(Optional.empty(), StateImage.empty(), Optional.empty());
  }
}
