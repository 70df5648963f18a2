package dev.microbatch.runner;

import dev.microbatch.runner.state.StateBackendKind;
import dev.microbatch.runner.state.StateBackendSpec;
import java.util.Optional;

/** The keyed state backend {@code --stateBackend} and {@code --stateLocalDir} ask for. */
public final class StateBackendOptions {

  private StateBackendOptions() {}

  /** The backend the options name; an unknown name is refused naming the option. */
  public static StateBackendSpec of(MicroBatchPipelineOptions options) {
    StateBackendKind kind;
    try {
      kind = StateBackendKind.named(Optional.ofNullable(options.getStateBackend()));
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException("stateBackend", options.getStateBackend(), e.getMessage());
    }
    String dir = options.getStateLocalDir();
    return new StateBackendSpec(kind, dir == null ? "" : dir);
  }
}
