package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The binary layout of a {@link StateCheckpoint}, shared by the checkpoint files of every backend:
 * whether it is a snapshot (else its parent's batch time), then per store its id, its written keys
 * with their states and its removed keys, each in a {@link Frames frame} of its own. It is written
 * and read one key at a time, so that neither side holds a whole store.
 */
public final class StateCheckpointCodec {

  private StateCheckpointCodec() {}

  public static void write(DataOutputStream out, StateCheckpoint checkpoint) throws IOException {
    writeParent(out, checkpoint.parent());
    writeStores(out, checkpoint.stores());
  }

  public static void writeParent(DataOutputStream out, Optional<Long> parent) throws IOException {
    out.writeBoolean(parent.isPresent());
    if (parent.isPresent()) {
      out.writeLong(parent.get());
    }
  }

  public static void writeStores(DataOutputStream out, Map<StoreId, StoreChanges> stores)
      throws IOException {
    out.writeInt(stores.size());
    for (Map.Entry<StoreId, StoreChanges> store : stores.entrySet()) {
      out.writeUTF(store.getKey().stage());
      out.writeInt(store.getKey().partition());
      StoreChanges changes = store.getValue();
      out.writeInt(count(changes.writtenCount(), store.getKey()));
      changes.forEachWritten(
          (key, state) -> {
            Frames.writeBytes(out, key.bytes());
            Frames.writeBytes(out, state);
          });
      out.writeInt(count(changes.removedCount(), store.getKey()));
      changes.forEachRemoved(key -> Frames.writeBytes(out, key.bytes()));
    }
  }

  private static int count(long count, StoreId store) throws IOException {
    if (count > Integer.MAX_VALUE) {
      throw new IOException(
          "Stage " + store.stage() + " partition " + store.partition() + " has " + count
              + " keys to checkpoint, more than one checkpoint file holds per partition;"
              + " raise the stage's parallelism");
    }
    return (int) count;
  }

  public static Optional<Long> readParent(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(in.readLong()) : Optional.empty();
  }

  /** Reads the stores that follow the parent, passing each key to {@code sink} as it is read. */
  public static void readStores(DataInputStream in, StateSink sink) throws IOException {
    int storeCount = in.readInt();
    for (int i = 0; i < storeCount; i++) {
      StoreId id = new StoreId(in.readUTF(), in.readInt());
      int writtenCount = in.readInt();
      for (int k = 0; k < writtenCount; k++) {
        KeyBytes key = new KeyBytes(Frames.readBytes(in));
        sink.put(id, key, Frames.readBytes(in));
      }
      int removedCount = in.readInt();
      for (int k = 0; k < removedCount; k++) {
        sink.remove(id, new KeyBytes(Frames.readBytes(in)));
      }
    }
  }
}
