package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.StageTask;

/**
 * One Beam transform running inside a task of a fused stage. It has the lifecycle of the stage task
 * it is part of (start, process, advance the watermark, finish, close); the fused stage calls its
 * steps in topological order. Steps call their consumers directly through {@link Receiver}s:
 * nothing is encoded between fused steps.
 */
public interface Step extends StageTask {}
