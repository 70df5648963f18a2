package dev.microbatch.runner.dstream;

import java.util.ArrayList;
import java.util.List;

/**
 * The materialized contents of a stream that is read as a side input: everything its parent has
 * produced up to and including this batch, in one partition. Readers select the windows they need;
 * the watermark tells them which windows are complete.
 */
public final class SideInputDStream<T> extends DStream<T> {

  private final DStream<T> parent;
  private final List<T> accumulated = new ArrayList<>();

  public SideInputDStream(String name, DStream<T> parent) {
    super(name, List.of(parent));
    this.parent = parent;
  }

  @Override
  protected BatchResult<T> compute(BatchContext batch) throws Exception {
    BatchResult<T> input = batch.resultOf(parent);
    List<T> contents;
    synchronized (accumulated) {
      accumulated.addAll(input.collect());
      contents = List.copyOf(accumulated);
    }
    return new BatchResult<>(List.of(new ListPartition<>(contents)), input.watermark());
  }
}
