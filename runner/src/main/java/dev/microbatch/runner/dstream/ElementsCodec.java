package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.ElementCoder;
import java.io.IOException;
import java.util.List;

/**
 * Encodes a stream's elements, with the coder only the translation layer knows: as a list for a
 * checkpoint and wherever elements leave the JVM (a cluster backend's shuffles and shipped
 * partitions), one at a time where a stage output is held encoded ({@link BlockPartition}).
 */
public interface ElementsCodec<T> extends ElementCoder<T> {

  byte[] encode(List<T> elements) throws IOException;

  List<T> decode(byte[] bytes) throws IOException;
}
