package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.scheduler.BatchTime;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a committed batch leaves behind but its keyed state: each input's position, each
 * stream's output watermark (millis) and the state other streams keep (side inputs), encoded. The
 * keyed state is written into the same file after these, streamed ({@link CheckpointStore#write}):
 * a snapshot, or what changed since the checkpoint {@code stateParent}.
 */
public record Checkpoint(
    BatchTime time,
    PipelineShape shape,
    Map<String, byte[]> inputPositions,
    Map<String, Long> watermarks,
    Optional<Long> stateParent,
    Map<String, byte[]> streamStates) {

  public Checkpoint {
    inputPositions = Map.copyOf(inputPositions);
    watermarks = Map.copyOf(watermarks);
    streamStates = Map.copyOf(streamStates);
  }
}
