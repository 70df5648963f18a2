package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.ElementCoder;
import dev.microbatch.runner.shuffle.EncodedBlock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A materialized partition held as one encoded block (a stage task's output that a later stage
 * reads): pages of bytes instead of several objects per element, which every young collection
 * would copy until that stage runs. Each of its readers decodes it in write order; the last one
 * lets the block go.
 *
 * @param <T> the element type
 */
public final class BlockPartition<T> implements Partition<T> {

  private final AtomicReference<EncodedBlock> block;
  private final ElementCoder<T> coder;
  private final AtomicInteger readsLeft;
  private final int readers;

  /** Holds {@code block}, to be read {@code readers} times. */
  public BlockPartition(EncodedBlock block, ElementCoder<T> coder, int readers) {
    this.block = new AtomicReference<>(block);
    this.coder = coder;
    this.readers = readers;
    this.readsLeft = new AtomicInteger(readers);
  }

  @Override
  public void forEach(ElementSink<? super T> sink) throws Exception {
    int left = readsLeft.decrementAndGet();
    EncodedBlock held = left == 0 ? block.getAndSet(null) : block.get();
    if (left < 0 || held == null) {
      throw new IllegalStateException(
          "A partition with " + readers + " readers was read " + (readers - left) + " times");
    }
    held.forEachValue(coder, sink::accept);
  }

  @Override
  public boolean materialized() {
    return true;
  }
}
