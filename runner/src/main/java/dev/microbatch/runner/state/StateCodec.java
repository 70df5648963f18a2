package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * How one store's per-key values are written to a checkpoint and read back. The stage that owns the
 * store knows what a key's state is, so it supplies the codec when it opens the store.
 */
public interface StateCodec<S> {

  void encode(S state, DataOutputStream out) throws IOException;

  S decode(KeyBytes key, DataInputStream in) throws IOException;
}
