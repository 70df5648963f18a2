package dev.microbatch.runner.shuffle;

import java.io.Serializable;

/** Extracts the encoded key by which an element is shuffled. */
@FunctionalInterface
public interface KeyExtractor<T> extends Serializable {
  KeyBytes keyOf(T element) throws Exception;
}
