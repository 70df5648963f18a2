package dev.microbatch.runner.dstream;

import java.io.IOException;
import java.util.List;

/** Encodes a stream's elements for a checkpoint (the translation layer knows their coder). */
public interface ElementsCodec<T> {

  byte[] encode(List<T> elements) throws IOException;

  List<T> decode(byte[] bytes) throws IOException;
}
