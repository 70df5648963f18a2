package dev.microbatch.runner.dstream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.beam.sdk.metrics.MetricName;
import org.joda.time.Instant;

/**
 * The life of one task of a fused stage, the same on every backend: create the stage's task,
 * consume the partition, advance to the partition's watermark (timers fire), finish, and release
 * what it set up for later tasks, or tear it down after a failure. Only the {@link TaskContext} differs between a local thread and a cluster executor.
 */
public final class StageTaskRun {

  /**
   * System counter of the elements each stage consumed, in the name form Beam uses for system
   * metrics. Counted per task and added once, so it costs nothing per element.
   */
  public static final MetricName ELEMENTS_IN =
      MetricName.named("microbatch.system", "beam:metric:element_count:v1");

  /** What a finished task reports besides its elements. */
  public record Outcome(Instant outputWatermark, boolean pendingWork, long recordsIn, long millis) {}

  /** The elements a task emitted, one list per stage output; filled through {@link #emit}. */
  public static final class Outputs {
    private final List<List<Object>> byOutput;

    public Outputs(int numOutputs) {
      byOutput = new ArrayList<>(numOutputs);
      for (int i = 0; i < numOutputs; i++) {
        byOutput.add(new ArrayList<>());
      }
    }

    public void emit(int output, Object element) {
      byOutput.get(output).add(element);
    }

    public List<List<Object>> byOutput() {
      return byOutput;
    }
  }

  private StageTaskRun() {}

  /**
   * Runs the task of {@code stage} that reads {@code input}; {@code inputWatermark} is asked once
   * the partition has been read (a lazy partition learns its watermark by being read).
   */
  public static Outcome run(
      String stage,
      StageFunction function,
      TaskContext context,
      Partition<?> input,
      Supplier<Instant> inputWatermark)
      throws Exception {
    long started = System.nanoTime();
    StageTask task = function.createTask(context);
    Outcome outcome;
    try {
      task.start();
      long[] count = new long[1];
      input.forEach(
          element -> {
            count[0]++;
            task.process(element);
          });
      context.metrics().getContainer(stage).getCounter(ELEMENTS_IN).inc(count[0]);
      Instant outputWatermark = task.advanceWatermark(inputWatermark.get());
      task.finish();
      outcome =
          new Outcome(
              outputWatermark,
              task.hasPendingWork(),
              count[0],
              (System.nanoTime() - started) / 1_000_000);
    } catch (Exception | Error e) {
      try {
        task.close();
      } catch (Exception | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    task.release();
    return outcome;
  }
}
