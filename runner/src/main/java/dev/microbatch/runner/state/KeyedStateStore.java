package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The keyed state of one partition of one stateful stage; it lives across batches. The engine
 * stores opaque per-key values; the translation layer decides what a key's state is and how it is
 * encoded for checkpoints.
 *
 * <p>A store is only touched by the task that owns its partition in the current batch, so it needs
 * no locking.
 */
public final class KeyedStateStore<S> {

  private final Map<KeyBytes, S> states = new HashMap<>();
  private final StateCodec<S> codec;

  KeyedStateStore(StateCodec<S> codec) {
    this.codec = codec;
  }

  public S getOrCreate(KeyBytes key, Function<KeyBytes, S> create) {
    return states.computeIfAbsent(key, create);
  }

  public S get(KeyBytes key) {
    return states.get(key);
  }

  public void remove(KeyBytes key) {
    states.remove(key);
  }

  /** A live view of the entries; callers may remove through its iterator. */
  public Iterable<Map.Entry<KeyBytes, S>> entries() {
    return states.entrySet();
  }

  public int size() {
    return states.size();
  }

  byte[] encode() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(states.size());
    for (Map.Entry<KeyBytes, S> entry : states.entrySet()) {
      Frames.writeBytes(out, entry.getKey().bytes());
      codec.encode(entry.getValue(), out);
    }
    out.flush();
    return bytes.toByteArray();
  }

  void decode(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    int count = in.readInt();
    states.clear();
    for (int i = 0; i < count; i++) {
      KeyBytes keyBytes = new KeyBytes(Frames.readBytes(in));
      states.put(keyBytes, codec.decode(keyBytes, in));
    }
  }
}
