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
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.joda.time.Instant;

/**
 * One key's Beam state, which can also tell the earliest watermark hold it contains, and write
 * itself to a checkpoint. Its cells are beam-runners-core's in-memory ones.
 *
 * <p>Cells are found by namespace, then by tag id. ReduceFnRunner asks for several cells per
 * element through one namespace object, so the namespace asked for last is matched by identity
 * first; Beam's own in-memory table wraps the tag and hashes the namespace on every access, which
 * was a seventh of a trigger-heavy query's time.
 *
 * <p>State read back from a checkpoint stays encoded per cell until the step first asks for that
 * cell: only then are its tag (and so its coders) known. Cells never asked for are written to the
 * next checkpoint as they were read.
 */
final class KeyStateInternals implements StateInternals {

  private static final byte HOLD = 1;
  private static final byte OTHER = 0;

  private record Cell(String namespace, String tagId) {}

  private record Encoded(boolean hold, byte[] bytes) {}

  /** A cell with the tag it was made for (whose coders encode it). */
  private record Bound(StateTag<?> tag, State state) {
    boolean cleared() {
      return ((InMemoryStateInternals.InMemoryState<?>) state).isCleared();
    }
  }

  private final Object key;
  private final Map<StateNamespace, Map<String, Bound>> cells = new HashMap<>();
  private final Map<Cell, Encoded> restored = new HashMap<>();
  private StateNamespace lastNamespace;
  private Map<String, Bound> lastNamespaceCells;

  /** Beam's in-memory cells, but bags with a coder hold their values encoded ({@link EncodedBag}). */
  private static final class Binder extends InMemoryStateInternals.InMemoryStateBinder {
    Binder(StateContext<?> c) {
      super(c);
    }

    @Override
    public <T> BagState<T> bindBag(StateTag<BagState<T>> address, Coder<T> elemCoder) {
      return elemCoder == null ? super.bindBag(address, elemCoder) : new EncodedBag<>(elemCoder);
    }
  }

  KeyStateInternals(Object key) {
    this.key = key;
  }

  @Override
  public Object getKey() {
    return key;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends State> T state(
      StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
    if (namespace != lastNamespace) {
      lastNamespaceCells = cells.computeIfAbsent(namespace, n -> new HashMap<>());
      lastNamespace = namespace;
    }
    Bound known = lastNamespaceCells.get(address.getId());
    if (known != null) {
      return (T) known.state();
    }
    T state = address.bind(new Binder(c));
    restore(namespace, address, state);
    lastNamespaceCells.put(address.getId(), new Bound(address, state));
    return state;
  }

  /** Fills a new cell with what the checkpoint held for it, if anything. */
  private void restore(StateNamespace namespace, StateTag<?> address, State state) {
    if (restored.isEmpty()) {
      return;
    }
    Encoded encoded = restored.remove(new Cell(namespace.stringKey(), address.getId()));
    if (encoded != null) {
      try {
        StateContents.restore(address, state, encoded.bytes());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read checkpointed state " + address.getId(), e);
      }
    }
  }

  /**
   * Lets go of the namespaces whose cells are all cleared (a window that was garbage-collected): a
   * cleared cell is what a fresh one is, and a key that lives on would otherwise keep a row for
   * every window it ever had. Called between visits to the key, when no cell is in use.
   */
  void forgetCleared() {
    cells
        .values()
        .removeIf(namespaceCells -> namespaceCells.values().stream().allMatch(Bound::cleared));
    lastNamespace = null;
    lastNamespaceCells = null;
  }

  /** The earliest watermark hold over all namespaces; empty when nothing holds. */
  Optional<Instant> earliestHold() {
    Instant earliest = null;
    for (Map<String, Bound> namespaceCells : cells.values()) {
      for (Bound cell : namespaceCells.values()) {
        if (cell.state() instanceof WatermarkHoldState hold) {
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

  void encode(DataOutputStream out) throws IOException {
    Map<Cell, Encoded> encoded = new HashMap<>(restored);
    for (Map.Entry<StateNamespace, Map<String, Bound>> namespace : cells.entrySet()) {
      for (Bound cell : namespace.getValue().values()) {
        if (cell.cleared()) {
          continue; // a cleared cell is what a fresh one is
        }
        encoded.put(
            new Cell(namespace.getKey().stringKey(), cell.tag().getId()),
            new Encoded(
                cell.state() instanceof WatermarkHoldState,
                StateContents.encode(cell.tag(), cell.state())));
      }
    }
    out.writeInt(encoded.size());
    for (Map.Entry<Cell, Encoded> cell : encoded.entrySet()) {
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
