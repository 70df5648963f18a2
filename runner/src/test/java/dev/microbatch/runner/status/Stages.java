package dev.microbatch.runner.status;

import dev.microbatch.runner.dstream.StageFunction;
import dev.microbatch.runner.dstream.StageTask;
import dev.microbatch.runner.dstream.TaskContext;

/** Stage functions the status specs run: what a stage does does not matter to them. */
final class Stages {

  private Stages() {}

  /** A stage that consumes its elements and emits nothing. */
  static final StageFunction DISCARD =
      new StageFunction() {
        @Override
        public int numOutputs() {
          return 0;
        }

        @Override
        public StageTask createTask(TaskContext context) {
          return element -> {};
        }
      };
}
