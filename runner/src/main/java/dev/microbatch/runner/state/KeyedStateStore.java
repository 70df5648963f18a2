package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import org.joda.time.Instant;

/**
 * The keyed state of one partition of one stateful stage; it lives across batches. The engine
 * stores opaque per-key values; the translation layer decides what a key's state is and how it is
 * encoded ({@link StateCodec}) and when it is due ({@link Timetable}).
 *
 * <p>Values are live objects that steps change in place; a store writes them back where it keeps
 * them when the task that changed them ends ({@link #release}) and at a checkpoint. A value is
 * only used until the store is next called for another key: a store may write back and forget what
 * it handed out before (RocksDB does, once a task has reached many keys). A step with
 * timers gives the store a {@link Timetable}; the store then keeps its keys indexed by when they are
 * next due ({@link #due}) and by their watermark holds ({@link #earliestHold}), so a batch visits
 * the keys it reached or that became due, not every key.
 *
 * <p>A store is only touched by the task that owns its partition in the current batch, so it needs
 * no locking.
 */
public abstract class KeyedStateStore<S> {

  /** The key's state, created by {@code create} if it has none. */
  public abstract S getOrCreate(KeyBytes key, Function<KeyBytes, S> create);

  /** The key's state; null when it has none. */
  public abstract S get(KeyBytes key);

  public abstract void remove(KeyBytes key);

  /** How many keys have state. */
  public abstract long size();

  /**
   * From now on keeps the keys indexed by when {@code timetable} says they are due. Steps are built
   * per batch and the store lives across batches, so only the first call indexes every key.
   */
  public abstract void schedule(Timetable<S> timetable);

  /**
   * The keys a step must visit now: those due by the input watermark {@code watermark} or
   * processing time {@code now}, keys reached since the index was last asked judged by their state
   * as it is now. A key may come more than once. The caller may create, change and remove keys
   * while it iterates; keys it changes are not seen again in the same iteration unless they were
   * due before.
   */
  public abstract Iterable<KeyBytes> due(Instant watermark, Instant now);

  /** The earliest time any key holds the output watermark at. */
  public abstract Optional<Instant> earliestHold();

  /**
   * The task that used the store ended: what it changed goes back where the store keeps its state.
   * The values it handed out must not be used after this.
   */
  void release() throws IOException {}

  /**
   * What changed since the last checkpoint (or everything, for a snapshot), encoded; from now on
   * that is what was checkpointed last. A snapshot may be streamed from where the store keeps its
   * state: it is written before the store is used again.
   */
  abstract StoreChanges checkpoint(boolean snapshot) throws IOException;

  /**
   * Replaces the state with restored state, which counts as checkpointed; {@code restored} was made
   * by this store's backend for this store.
   */
  abstract void load(EncodedState restored) throws IOException;

  static <S> byte[] encode(StateCodec<S> codec, S value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    codec.encode(value, out);
    out.flush();
    return bytes.toByteArray();
  }

  static <S> S decode(StateCodec<S> codec, KeyBytes key, byte[] bytes) throws IOException {
    return codec.decode(key, new DataInputStream(new ByteArrayInputStream(bytes)));
  }

  static IllegalStateException notScheduled() {
    return new IllegalStateException("A store was asked what is due before it was scheduled");
  }
}
