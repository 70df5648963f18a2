package dev.microbatch.runner.dstream;

import java.io.IOException;

/**
 * State a stream keeps across batches outside the keyed state stores (a side input's accumulated
 * contents), as it stands after the last committed batch, as bytes only the stream reads back.
 */
public interface StreamCheckpoint {

  byte[] snapshot() throws IOException;

  void restore(byte[] state) throws IOException;

  /** Back to the state before the first batch. */
  void reset();
}
