package dev.microbatch.runner.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  @Override
  public <R> List<R> runAll(List<? extends Callable<R>> tasks) throws Exception {
    if (tasks.size() == 1) {
      // Nothing to parallelize: run inline and save a thread hand-off.
      return java.util.Collections.singletonList(tasks.get(0).call());
    }
    ExecutorCompletionService<R> completion = new ExecutorCompletionService<>(pool);
    List<Future<R>> futures = new ArrayList<>(tasks.size());
    for (Callable<R> task : tasks) {
      futures.add(completion.submit(task));
    }
    try {
      for (int i = 0; i < tasks.size(); i++) {
        completion.take().get();
      }
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      throw unwrap(e);
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw e;
    }
    List<R> results = new ArrayList<>(tasks.size());
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (CancellationException | ExecutionException e) {
        throw new IllegalStateException("Task finished abnormally after completion", e);
      }
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
