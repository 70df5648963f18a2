package dev.microbatch.runner.executor;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs a batch's tasks (one per partition). The embedded default is a local thread pool; a cluster
 * backend can implement the same contract.
 */
public interface TaskExecutor extends AutoCloseable {

  /**
   * Runs every task and returns their results in order. If any task fails, the remaining ones are
   * cancelled and the first failure is rethrown (unwrapped from the executor's wrapper).
   */
  <R> List<R> runAll(List<? extends Callable<R>> tasks) throws Exception;

  int parallelism();

  /** True once no task runs any more (after {@link #close}), so that what tasks use can be freed. */
  default boolean isTerminated() {
    return true;
  }

  @Override
  void close();
}
