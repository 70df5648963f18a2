package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.ElementCoder;
import dev.microbatch.runner.shuffle.EncodedBlock;
import dev.microbatch.runner.shuffle.KeyGroups;
import dev.microbatch.runner.shuffle.Keyed;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.joda.time.Instant;

/**
 * A reduce partition of an encoded shuffle: its elements come grouped by key (see {@link
 * KeyGroups}), and its watermark, that of every map task, is known before it is read, so a keyed
 * step can finish each key as its group ends. Read once: its blocks are let go of as reading
 * begins.
 */
public final class KeyGroupedPartition<T> implements Partition<Keyed<T>> {

  private final AtomicReference<List<EncodedBlock>> blocks;
  private final ElementCoder<T> coder;
  private final Supplier<Instant> watermark;

  KeyGroupedPartition(
      List<EncodedBlock> blocks, ElementCoder<T> coder, Supplier<Instant> watermark) {
    this.blocks = new AtomicReference<>(List.copyOf(blocks));
    this.coder = coder;
    this.watermark = watermark;
  }

  /** The watermark of the shuffle, which its map tasks have all reached. */
  public Instant watermark() {
    return watermark.get();
  }

  @Override
  public void forEach(ElementSink<? super Keyed<T>> sink) throws Exception {
    List<EncodedBlock> taken = blocks.getAndSet(null);
    if (taken == null) {
      throw new IllegalStateException("A partition with one reader was read a second time");
    }
    KeyGroups.read(taken, coder, sink::accept);
  }
}
