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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded executor: a fixed pool of {@code parallelism} threads in this JVM. */
public final class LocalTaskExecutor implements TaskExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(LocalTaskExecutor.class);
  private static final int CLOSE_DEADLINE_SECONDS = 60;

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
    Throwable failure = null;
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (ExecutionException e) {
        // An Error too waits for the other tasks: what they use (state) is torn down after this.
        if (failure == null && !(e.getCause() instanceof CancellationException)) {
          failure = e.getCause() != null ? e.getCause() : e;
        }
      } catch (InterruptedException e) {
        aborted.set(true);
        futures.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw e;
      }
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure instanceof Exception exception) {
      throw exception;
    }
    if (failure != null) {
      throw new ExecutionException(failure);
    }
    return results;
  }

  @Override
  public int parallelism() {
    return parallelism;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    // Tasks are interrupted; what they use (keyed state, consumers) is closed after this returns.
    try {
      for (int waited = 0; waited < CLOSE_DEADLINE_SECONDS; waited += 5) {
        if (pool.awaitTermination(5, TimeUnit.SECONDS)) {
          return;
        }
        LOG.info("Waiting for the tasks of a closed run to stop ({} s so far)", waited + 5);
      }
      LOG.warn(
          "Tasks of a closed run still running after {} s; their resources stay open",
          CLOSE_DEADLINE_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isTerminated() {
    return pool.isTerminated();
  }
}
