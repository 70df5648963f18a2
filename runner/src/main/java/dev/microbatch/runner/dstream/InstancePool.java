package dev.microbatch.runner.dstream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User-function instances that tasks set up once and leave for later tasks of the same step, in
 * this batch or a later one, so that a step's set-up (a deserialized DoFn and its {@code @Setup}: a
 * Kafka producer, a connection pool) is paid once per instance, not once per task and batch. An
 * instance is used by one task at a time: a task takes one (or makes its own), and gives it back
 * only when it ended well; a task that failed closes the instances it used.
 *
 * <p>The pool of a run closes everything left in it when the run ends. A pool that {@link
 * #discarding discards} closes every instance given back at once (a cluster task, whose JVM has no
 * run to outlive the task in).
 */
public final class InstancePool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InstancePool.class);

  private final boolean keeps;
  private final Map<String, Deque<AutoCloseable>> idle = new HashMap<>();
  private boolean closed;

  private InstancePool(boolean keeps) {
    this.keeps = keeps;
  }

  /** A pool that keeps instances until it is closed: one per run. */
  public static InstancePool keeping() {
    return new InstancePool(true);
  }

  /** A pool that keeps nothing: every instance given back is closed. */
  public static InstancePool discarding() {
    return new InstancePool(false);
  }

  /** An idle instance left under {@code key}, if there is one; the caller owns it now. */
  public synchronized <T extends AutoCloseable> Optional<T> take(String key, Class<T> type) {
    Deque<AutoCloseable> instances = idle.get(key);
    if (instances == null || instances.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(type.cast(instances.pop()));
  }

  /** Leaves {@code instance} for a later task of {@code key}; closes it if the pool keeps none. */
  public void give(String key, AutoCloseable instance) throws Exception {
    synchronized (this) {
      if (keeps && !closed) {
        idle.computeIfAbsent(key, k -> new ArrayDeque<>()).push(instance);
        return;
      }
    }
    instance.close();
  }

  /** Closes every idle instance; an instance given back later is closed at once. */
  @Override
  public void close() {
    List<AutoCloseable> instances = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(instances::addAll);
      idle.clear();
    }
    for (AutoCloseable instance : instances) {
      try {
        instance.close();
      } catch (Exception | LinkageError e) {
        LOG.warn("Tearing down a user function instance at the end of the run failed", e);
      }
    }
  }
}
