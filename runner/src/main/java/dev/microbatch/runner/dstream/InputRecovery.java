package dev.microbatch.runner.dstream;

import java.io.IOException;

/**
 * What an input that can be checkpointed offers: its position, and its slice of the batch in
 * flight, each as bytes only the input itself reads back.
 */
public interface InputRecovery {

  /** Where the input stands once the batch in flight (whose slice is fixed) has committed. */
  byte[] positionAfterBatch() throws IOException;

  /** Continues from a checkpointed position (before the first batch of a resumed run). */
  void restorePosition(byte[] position) throws IOException;

  /**
   * The slice the input fixed for the batch in flight. Asked when the slices are fixed and again
   * once everything was read, for inputs whose slice is only known then.
   */
  byte[] slice() throws IOException;

  /** The next batch reads exactly this slice instead of fixing a new one (a re-run). */
  void replay(byte[] slice) throws IOException;
}
