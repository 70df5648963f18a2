package dev.microbatch.runner.dstream;

import dev.microbatch.runner.executor.TaskExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Reads lazy partitions, one task per partition: into memory, or to nowhere. */
public final class Materialize {

  private Materialize() {}

  /**
   * Reads every lazy partition of {@code result} into memory, one task per partition; each
   * partition's watermark is known afterwards.
   */
  public static <T> BatchResult<T> inParallel(BatchResult<T> result, TaskExecutor executor)
      throws Exception {
    return inParallel(result, executor, false);
  }

  /**
   * As {@link #inParallel(BatchResult, TaskExecutor)}, but leaves the {@link RemoteReadable}
   * partitions unread, for a cluster backend that reads them where they are consumed; the
   * watermarks of those are known once their reports are in.
   */
  public static <T> BatchResult<T> exceptRemoteReadable(
      BatchResult<T> result, TaskExecutor executor) throws Exception {
    return inParallel(result, executor, true);
  }

  private static <T> BatchResult<T> inParallel(
      BatchResult<T> result, TaskExecutor executor, boolean leaveRemoteReadable)
      throws Exception {
    List<Callable<Partition<T>>> tasks = new ArrayList<>();
    for (Partition<T> partition : result.partitions()) {
      if (partition.materialized()
          || (leaveRemoteReadable && partition instanceof RemoteReadable<T>)) {
        tasks.add(() -> partition);
      } else {
        tasks.add(
            () -> {
              List<T> elements = new ArrayList<>();
              partition.forEach(elements::add);
              return new ListPartition<>(elements);
            });
      }
    }
    List<Partition<T>> materialized = executor.runAll(tasks);
    return result.withPartitions(materialized);
  }

  /**
   * Reads the lazy partitions of {@code result} and discards their elements: reading what nobody
   * consumes is what moves a source forward, and it may have effects of its own.
   */
  public static void drain(BatchResult<?> result, TaskExecutor executor) throws Exception {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (Partition<?> partition : result.partitions()) {
      if (!partition.materialized()) {
        tasks.add(
            () -> {
              partition.forEach(element -> {});
              return null;
            });
      }
    }
    if (!tasks.isEmpty()) {
      executor.runAll(tasks);
    }
  }
}
