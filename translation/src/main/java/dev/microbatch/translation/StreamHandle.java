package dev.microbatch.translation;

import dev.microbatch.runner.dstream.DStream;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A DStream that will exist once translation is complete. Stages keep gaining fused steps while the
 * pipeline is traversed, so streams are built only at the end, in dependency order.
 */
final class StreamHandle {

  private final Supplier<DStream<?>> build;
  private final List<StreamHandle> parents;
  private final Optional<StageBuilder> stage;
  private DStream<?> built;

  private StreamHandle(
      Supplier<DStream<?>> build, List<StreamHandle> parents, Optional<StageBuilder> stage) {
    this.build = build;
    this.parents = List.copyOf(parents);
    this.stage = stage;
  }

  /** A stream computed from {@code parents}. */
  static StreamHandle of(Supplier<DStream<?>> build, List<StreamHandle> parents) {
    return new StreamHandle(build, parents, Optional.empty());
  }

  /** A stream produced by {@code stage} (one of its outputs, or the stage itself). */
  static StreamHandle ofStage(Supplier<DStream<?>> build, StageBuilder stage) {
    return new StreamHandle(build, List.of(), Optional.of(stage));
  }

  /**
   * The stages this stream is computed from, directly or not. Computed on demand: a stage may still
   * gain side inputs after a handle on its output was taken.
   */
  Set<StageBuilder> upstreamStages() {
    Set<StageBuilder> stages = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<StreamHandle> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<StreamHandle> todo = new ArrayDeque<>(List.of(this));
    while (!todo.isEmpty()) {
      StreamHandle handle = todo.pop();
      if (!seen.add(handle)) {
        continue;
      }
      todo.addAll(handle.parents);
      handle.stage.ifPresent(
          s -> {
            if (stages.add(s)) {
              todo.addAll(s.inputs());
            }
          });
    }
    return stages;
  }

  DStream<?> get() {
    if (built == null) {
      built = build.get();
    }
    return built;
  }
}
