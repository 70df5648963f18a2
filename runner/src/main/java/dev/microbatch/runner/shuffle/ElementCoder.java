package dev.microbatch.runner.shuffle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * Encodes one element of a stream at a time, with the coder only the translation layer knows: what
 * a shuffle writes into its blocks. Decoding reads exactly what encoding wrote.
 */
public interface ElementCoder<T> extends Serializable {

  void encode(T element, OutputStream out) throws IOException;

  T decode(InputStream in) throws IOException;
}
