package dev.microbatch.translation.runtime;

import dev.microbatch.runner.state.Frames;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.joda.time.Instant;

/**
 * One key's Beam state, which can also tell the earliest watermark hold it contains, and write
 * itself to a checkpoint.
 *
 * <p>State read back from a checkpoint stays encoded per cell until the step first asks for that
 * cell: only then are its tag (and so its coders) known. Cells never asked for are written to the
 * next checkpoint as they were read.
 */
final class KeyStateInternals extends InMemoryStateInternals<Object> {

  private static final byte HOLD = 1;
  private static final byte OTHER = 0;

  private record Cell(String namespace, String tagId) {}

  private record Encoded(boolean hold, byte[] bytes) {}

  private final Map<Cell, Encoded> restored = new HashMap<>();

  KeyStateInternals(Object key) {
    super(key);
  }

  @Override
  public <T extends State> T state(
      StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
    T state = super.state(namespace, address, c);
    if (!restored.isEmpty()) {
      Encoded encoded = restored.remove(new Cell(namespace.stringKey(), address.getId()));
      if (encoded != null) {
        try {
          StateContents.restore(address, state, encoded.bytes());
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read checkpointed state " + address.getId(), e);
        }
      }
    }
    return state;
  }

  /** The earliest watermark hold over all namespaces; empty when nothing holds. */
  Optional<Instant> earliestHold() {
    Instant earliest = null;
    for (StateNamespace namespace : inMemoryState.getNamespacesInUse()) {
      for (State state : inMemoryState.getTagsInUse(namespace).values()) {
        if (state instanceof WatermarkHoldState hold) {
          earliest = earlier(earliest, hold.read());
        }
      }
    }
    for (Encoded encoded : restored.values()) {
      if (encoded.hold()) {
        try {
          earliest = earlier(earliest, StateContents.holdOf(encoded.bytes()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return Optional.ofNullable(earliest);
  }

  private static Instant earlier(Instant a, Instant b) {
    if (b == null) {
      return a;
    }
    return a == null || b.isBefore(a) ? b : a;
  }

  @SuppressWarnings("rawtypes")
  void encode(DataOutputStream out) throws IOException {
    Map<Cell, Encoded> cells = new HashMap<>(restored);
    for (StateNamespace namespace : inMemoryState.getNamespacesInUse()) {
      for (Map.Entry<StateTag, State> cell : inMemoryState.getTagsInUse(namespace).entrySet()) {
        if (((InMemoryState<?>) cell.getValue()).isCleared()) {
          continue; // a cleared cell is what a fresh one is
        }
        cells.put(
            new Cell(namespace.stringKey(), cell.getKey().getId()),
            new Encoded(
                cell.getValue() instanceof WatermarkHoldState,
                StateContents.encode(cell.getKey(), cell.getValue())));
      }
    }
    out.writeInt(cells.size());
    for (Map.Entry<Cell, Encoded> cell : cells.entrySet()) {
      out.writeUTF(cell.getKey().namespace());
      out.writeUTF(cell.getKey().tagId());
      out.writeByte(cell.getValue().hold() ? HOLD : OTHER);
      Frames.writeBytes(out, cell.getValue().bytes());
    }
  }

  void decode(DataInputStream in) throws IOException {
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      Cell cell = new Cell(in.readUTF(), in.readUTF());
      boolean hold = in.readByte() == HOLD;
      restored.put(cell, new Encoded(hold, Frames.readBytes(in)));
    }
  }
}
