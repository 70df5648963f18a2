package dev.microbatch.runner.dstream;

import java.io.Serializable;

/**
 * What a fused stage does, supplied by the translation layer: it creates one {@link StageTask} per
 * partition per batch. The engine knows nothing of the steps fused inside.
 */
public interface StageFunction extends Serializable {

  /** Number of outputs the stage's tasks emit to (indices 0..n-1). */
  int numOutputs();

  StageTask createTask(TaskContext context) throws Exception;
}
