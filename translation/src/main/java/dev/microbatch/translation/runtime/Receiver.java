package dev.microbatch.translation.runtime;

/** Where a step sends the elements of one of its outputs. */
@FunctionalInterface
public interface Receiver {

  Receiver DISCARD = element -> {};

  void accept(Object element) throws Exception;
}
