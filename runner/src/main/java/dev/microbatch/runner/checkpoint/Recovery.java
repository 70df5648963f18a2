package dev.microbatch.runner.checkpoint;

import java.util.Optional;

/** What a checkpoint directory holds: the latest checkpoint and the batch pending after it. */
public record Recovery(Optional<Checkpoint> checkpoint, Optional<PendingBatch> pending) {

  public static Recovery none() {
    return new Recovery(Optional.empty(), Optional.empty());
  }
}
