package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StateCheckpoint;
import java.util.Map;

/**
 * Everything a committed batch leaves behind: each input's position, each stream's output watermark
 * (millis), the keyed state (a snapshot, or what changed since the checkpoint before) and the
 * state other streams keep (side inputs), encoded.
 */
public record Checkpoint(
    BatchTime time,
    PipelineShape shape,
    Map<String, byte[]> inputPositions,
    Map<String, Long> watermarks,
    StateCheckpoint state,
    Map<String, byte[]> streamStates) {

  public Checkpoint {
    inputPositions = Map.copyOf(inputPositions);
    watermarks = Map.copyOf(watermarks);
    streamStates = Map.copyOf(streamStates);
  }
}
