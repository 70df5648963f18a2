package dev.microbatch.runner.checkpoint;

/** The pipeline being run is not the one that wrote the checkpoint it was asked to resume. */
public final class CheckpointMismatchException extends IllegalStateException {

  public CheckpointMismatchException(String directory, String reason) {
    super(
        "The pipeline no longer matches the checkpoint in --checkpointLocation="
            + directory
            + ": "
            + reason
            + ". Resume with the pipeline that wrote it, or start with a new"
            + " --checkpointLocation.");
  }
}
