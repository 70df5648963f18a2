package dev.microbatch.runner.shuffle;

import java.util.Arrays;

/**
 * A key as the bytes of its coder's encoding. Beam groups by encoded key, so equality and hashing
 * are on bytes, never on the key object's own {@code equals}.
 */
public final class KeyBytes {

  private final byte[] bytes;
  private final int hash;

  public KeyBytes(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The encoded key. Callers must not modify it. */
  public byte[] bytes() {
    return bytes;
  }

  /** The partition this key belongs to among {@code numPartitions}; stable across batches. */
  public int partition(int numPartitions) {
    // Spread the bits: Arrays.hashCode is weak in the low bits for short keys.
    int h = hash * 0x9E3779B9;
    return Math.floorMod(h ^ (h >>> 16), numPartitions);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeyBytes that && hash == that.hash && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "KeyBytes" + Arrays.toString(bytes);
  }
}
