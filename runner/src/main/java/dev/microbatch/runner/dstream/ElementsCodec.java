package dev.microbatch.runner.dstream;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * Encodes a stream's elements, with the coder only the translation layer knows: for a checkpoint,
 * and wherever elements leave the JVM (a cluster backend's shuffles and shipped partitions).
 */
public interface ElementsCodec<T> extends Serializable {

  byte[] encode(List<T> elements) throws IOException;

  List<T> decode(byte[] bytes) throws IOException;
}
