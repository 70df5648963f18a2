package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StoreId;
import java.util.Map;

/**
 * Everything a committed batch leaves behind: each input's position, each stream's output watermark
 * (millis) and each keyed state store, encoded.
 */
public record Checkpoint(
    BatchTime time,
    PipelineShape shape,
    Map<String, byte[]> inputPositions,
    Map<String, Long> watermarks,
    Map<StoreId, byte[]> stateStores) {

  public Checkpoint {
    inputPositions = Map.copyOf(inputPositions);
    watermarks = Map.copyOf(watermarks);
    stateStores = Map.copyOf(stateStores);
  }
}
