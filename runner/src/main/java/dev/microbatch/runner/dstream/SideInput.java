package dev.microbatch.runner.dstream;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.joda.time.Instant;

/**
 * The contents of a side-input stream as of a batch, shared by all tasks of a stage. Structures
 * derived from it (lookup maps, views) are built once per batch through {@link #derived}.
 */
public final class SideInput {

  private final List<Object> elements;
  private final Instant watermark;
  private final ConcurrentHashMap<Object, Object> derived = new ConcurrentHashMap<>();

  public SideInput(List<Object> elements, Instant watermark) {
    this.elements = Collections.unmodifiableList(elements);
    this.watermark = watermark;
  }

  public List<Object> elements() {
    return elements;
  }

  public Instant watermark() {
    return watermark;
  }

  /** Computes {@code build} once per key for this batch's contents, whichever task asks first. */
  @SuppressWarnings("unchecked")
  public <R> R derived(Object key, Function<List<Object>, R> build) {
    return (R) derived.computeIfAbsent(key, k -> build.apply(elements));
  }
}
