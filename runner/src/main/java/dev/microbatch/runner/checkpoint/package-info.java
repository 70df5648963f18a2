/**
 * Checkpoints and recovery: what a committed batch leaves behind (input positions, watermarks,
 * keyed state) and the slice of the batch in flight, written atomically to {@code
 * --checkpointLocation} through Beam's FileSystems, so that a restarted pipeline resumes where the
 * last one committed and re-runs its pending batch over exactly the same slice. Every file is sealed
 * in an {@link IntegrityFrame}; a damaged one is refused, never silently replaced by an older one.
 */
package dev.microbatch.runner.checkpoint;
