/**
 * Checkpoints and recovery: what a committed batch leaves behind (input positions, watermarks,
 * keyed state) and the slice of the batch in flight, written atomically to {@code
 * --checkpointLocation} through Beam's FileSystems, so that a restarted pipeline resumes where the last one committed and
 * re-runs its pending batch over exactly the same slice.
 */
package dev.microbatch.runner.checkpoint;
