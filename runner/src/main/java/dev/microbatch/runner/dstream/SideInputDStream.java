package dev.microbatch.runner.dstream;

import java.util.ArrayList;
import java.util.List;

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
  private final List<T> accumulated = new ArrayList<>();

  public SideInputDStream(String name, DStream<T> parent, Retention<T> retention) {
    super(name, List.of(parent));
    this.parent = parent;
    this.retention = retention;
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
