package dev.microbatch.runner.executor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The embedded executor: a fixed pool of {@code parallelism} threads in this JVM. */
public final class LocalTaskExecutor implements TaskExecutor {

  private final int parallelism;
  private final ExecutorService pool;

  public LocalTaskExecutor(int parallelism, String name) {
    this.parallelism = parallelism;
    AtomicInteger counter = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            parallelism,
            runnable -> {
              Thread thread = new Thread(runnable, name + "-task-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Runs the tasks on the pool. On the first failure, tasks that have not started are skipped, and
   * this method still waits for the running ones to end, so that when it returns no task of the
   * batch is running any more (the caller then tears the tasks down).
   */
  @Override
  public <R> List<R> runAll(List<? extends Callable<R>> tasks) throws Exception {
    if (tasks.size() == 1) {
      // Nothing to parallelize: run inline and save a thread hand-off.
      return Collections.singletonList(tasks.get(0).call());
    }
    AtomicBoolean aborted = new AtomicBoolean();
    List<Future<R>> futures = new ArrayList<>(tasks.size());
    for (Callable<R> task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                if (aborted.get()) {
                  throw new CancellationException("an earlier task of the batch failed");
                }
                try {
                  return task.call();
                } catch (Throwable t) {
                  aborted.set(true);
                  throw t;
                }
              }));
    }
    List<R> results = new ArrayList<>(tasks.size());
    Exception failure = null;
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (ExecutionException e) {
        if (failure == null && !(e.getCause() instanceof CancellationException)) {
          failure = unwrap(e);
        }
      } catch (InterruptedException e) {
        aborted.set(true);
        futures.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw e;
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  private static Exception unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof Exception exception) {
      return exception;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return e;
  }

  @Override
  public int parallelism() {
    return parallelism;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
