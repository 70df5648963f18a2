package dev.microbatch.runner.dstream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The materialized contents of a stream that is read as a side input: what its parent has produced
 * up to and including this batch, as its {@link Retention} keeps it, in one partition. Readers
 * select the windows they need; the watermark tells them which windows are complete.
 */
public final class SideInputDStream<T> extends DStream<T> {

  /** How a batch's new elements change what the side input holds. */
  @FunctionalInterface
  public interface Retention<T> {
    /** Applies {@code arrived} to {@code held} in place. */
    void update(List<T> held, List<T> arrived);

    /** Everything is kept: the side input is all its parent ever produced. */
    static <T> Retention<T> all() {
      return List::addAll;
    }
  }

  private final DStream<T> parent;
  private final Retention<T> retention;
  private final ElementsCodec<T> codec;
  private final List<T> accumulated = new ArrayList<>();

  public SideInputDStream(
      String name, DStream<T> parent, Retention<T> retention, ElementsCodec<T> codec) {
    super(name, List.of(parent));
    this.parent = parent;
    this.retention = retention;
    this.codec = codec;
  }

  @Override
  protected String kind() {
    return "side-input";
  }

  /** What the side input holds is part of a checkpoint: a resumed run's readers see it again. */
  @Override
  public Optional<StreamCheckpoint> checkpointState() {
    return Optional.of(
        new StreamCheckpoint() {
          @Override
          public byte[] snapshot() throws IOException {
            synchronized (accumulated) {
              return codec.encode(List.copyOf(accumulated));
            }
          }

          @Override
          public void reset() {
            synchronized (accumulated) {
              accumulated.clear();
            }
          }

          @Override
          public void restore(byte[] state) throws IOException {
            List<T> restored = codec.decode(state);
            synchronized (accumulated) {
              accumulated.clear();
              accumulated.addAll(restored);
            }
          }
        });
  }

  @Override
  protected BatchResult<T> compute(BatchContext batch) throws Exception {
    BatchResult<T> input = batch.resultOf(parent);
    List<T> contents;
    synchronized (accumulated) {
      retention.update(accumulated, input.collect());
      contents = List.copyOf(accumulated);
    }
    return new BatchResult<>(List.of(new ListPartition<>(contents)), input.watermark());
  }
}
