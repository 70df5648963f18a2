package dev.microbatch.runner.checkpoint;

/**
 * A run refused to resume: a file it needs in the checkpoint directory is damaged, and an older
 * checkpoint is not a safe substitute (the batches committed after it would be published again).
 * The message names the file and what the user can do.
 */
public final class DamagedCheckpointException extends IllegalStateException {

  public DamagedCheckpointException(String message, DamagedFileException cause) {
    super(message, cause);
  }
}
