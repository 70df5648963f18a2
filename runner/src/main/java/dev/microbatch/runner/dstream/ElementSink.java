package dev.microbatch.runner.dstream;

/** Receives the elements of a partition; may throw (user code runs downstream of it). */
@FunctionalInterface
public interface ElementSink<T> {
  void accept(T element) throws Exception;
}
