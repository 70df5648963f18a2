package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The binary layout of a {@link StateCheckpoint}, shared by the checkpoint files of every backend:
 * whether it is a snapshot (else its parent's batch time), then per store its id, its written keys
 * with their states and its removed keys, each in a {@link Frames frame} of its own.
 */
public final class StateCheckpointCodec {

  private StateCheckpointCodec() {}

  public static void write(DataOutputStream out, StateCheckpoint checkpoint) throws IOException {
    out.writeBoolean(checkpoint.parent().isPresent());
    if (checkpoint.parent().isPresent()) {
      out.writeLong(checkpoint.parent().get());
    }
    out.writeInt(checkpoint.stores().size());
    for (Map.Entry<StoreId, StoreChanges> store : checkpoint.stores().entrySet()) {
      out.writeUTF(store.getKey().stage());
      out.writeInt(store.getKey().partition());
      out.writeInt(store.getValue().written().size());
      for (Map.Entry<KeyBytes, byte[]> written : store.getValue().written().entrySet()) {
        Frames.writeBytes(out, written.getKey().bytes());
        Frames.writeBytes(out, written.getValue());
      }
      out.writeInt(store.getValue().removed().size());
      for (KeyBytes removed : store.getValue().removed()) {
        Frames.writeBytes(out, removed.bytes());
      }
    }
  }

  public static StateCheckpoint read(DataInputStream in) throws IOException {
    Optional<Long> parent = in.readBoolean() ? Optional.of(in.readLong()) : Optional.empty();
    int storeCount = in.readInt();
    Map<StoreId, StoreChanges> stores = new HashMap<>();
    for (int i = 0; i < storeCount; i++) {
      StoreId id = new StoreId(in.readUTF(), in.readInt());
      int writtenCount = in.readInt();
      Map<KeyBytes, byte[]> written = new HashMap<>();
      for (int k = 0; k < writtenCount; k++) {
        written.put(new KeyBytes(Frames.readBytes(in)), Frames.readBytes(in));
      }
      int removedCount = in.readInt();
      Set<KeyBytes> removed = new HashSet<>();
      for (int k = 0; k < removedCount; k++) {
        removed.add(new KeyBytes(Frames.readBytes(in)));
      }
      stores.put(id, new StoreChanges(written, removed));
    }
    return new StateCheckpoint(parent, stores);
  }
}
