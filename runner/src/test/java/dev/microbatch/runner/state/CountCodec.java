package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** A count per key for specs of keyed state, held in a one-element array changed in place. */
public final class CountCodec implements StateCodec<long[]> {

  @Override
  public void encode(long[] state, DataOutputStream out) throws IOException {
    out.writeLong(state[0]);
  }

  @Override
  public long[] decode(KeyBytes key, DataInputStream in) throws IOException {
    return new long[] {in.readLong()};
  }
}
