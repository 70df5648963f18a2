package dev.microbatch.runner.checkpoint;

import java.io.IOException;

/** A checkpoint file whose bytes are not what was written: truncated, altered, or foreign. */
public final class DamagedFileException extends IOException {

  private final String file;
  private final String reason;

  public DamagedFileException(String file, String reason) {
    super(file + " is damaged: " + reason);
    this.file = file;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public String reason() {
    return reason;
  }
}
