package dev.microbatch.runner.dstream;

import dev.microbatch.runner.executor.TaskExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Reads lazy partitions into memory, one task per partition. */
final class Materialize {

  private Materialize() {}

  static <T> BatchResult<T> inParallel(BatchResult<T> result, TaskExecutor executor)
      throws Exception {
    List<Callable<Partition<T>>> tasks = new ArrayList<>();
    for (Partition<T> partition : result.partitions()) {
      if (partition instanceof ListPartition<T>) {
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
    return new BatchResult<>(materialized, result.watermark());
  }
}
