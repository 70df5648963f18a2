package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.scheduler.BatchTime;
import java.util.Map;

/**
 * A batch whose slice is fixed but which has not committed: each input's slice, encoded, so that a
 * re-run (a retry, or the first batch after a restart) reads exactly the same records.
 */
public record PendingBatch(BatchTime time, Map<String, byte[]> slices) {

  public PendingBatch {
    slices = Map.copyOf(slices);
  }
}
