package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StoreId;
import java.util.Map;

/**
 * Everything a committed batch leaves behind: each input's position, each stream's output watermark
 * (millis), each keyed state store and the state other streams keep (side inputs), encoded.
 */
public record Checkpoint(
    BatchTime time,
    PipelineShape shape,
    Map<String, byte[]> inputPositions,
    Map<String, Long> watermarks,
    Map<StoreId, byte[]> stateStores,
    Map<String, byte[]> streamStates) {

  public Checkpoint {
    inputPositions = Map.copyOf(inputPositions);
    watermarks = Map.copyOf(watermarks);
    stateStores = Map.copyOf(stateStores);
    streamStates = Map.copyOf(streamStates);
  }
}
