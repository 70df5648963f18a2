package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.BlockWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * What a task emitted, per stage output: a list of elements, or, for an output held encoded
   * ({@link EncodedOutputs}), its blocks, written as the elements come. Filled through {@link
   * #emit}.
   */
  public static final class Outputs {
    private final List<List<Object>> byOutput;
    private final EncodedOutputs encoded;
    /** By output index; null for an output kept as a list (an array: emit runs per element). */
    private final BlockWriter<Object>[] writers;

    /** Every output kept as a list. */
    public Outputs(int numOutputs) {
      this("", numOutputs, EncodedOutputs.NONE);
    }

    /** The outputs of {@code stage} in {@code encoded} written as blocks, the others as lists. */
    public Outputs(String stage, int numOutputs, EncodedOutputs encoded) {
      byOutput = new ArrayList<>(numOutputs);
      for (int i = 0; i < numOutputs; i++) {
        byOutput.add(new ArrayList<>());
      }
      this.encoded = encoded;
      @SuppressWarnings("unchecked")
      BlockWriter<Object>[] byIndex = new BlockWriter[numOutputs];
      encoded.shuffles().forEach((output, shuffle) -> byIndex[output] = shuffle.blockWriter());
      encoded
          .blocks()
          .forEach(
              (output, held) ->
                  byIndex[output] = BlockWriter.unkeyed(stage + " output " + output, held.coder()));
      this.writers = byIndex;
    }

    public void emit(int output, Object element) throws Exception {
      BlockWriter<Object> writer = writers[output];
      if (writer == null) {
        byOutput.get(output).add(element);
      } else {
        writer.write(element);
      }
    }

    /** The outputs kept as lists (those written as blocks are empty here). */
    public List<List<Object>> byOutput() {
      return byOutput;
    }

    /** The outputs written as blocks, by output index; the task is done writing. */
    public Map<Integer, Partition<Object>> written() {
      Map<Integer, Partition<Object>> written = new HashMap<>();
      encoded
          .shuffles()
          .forEach(
              (output, shuffle) ->
                  written.put(output, new ShuffleMapOutput<>(shuffle, writers[output].finish())));
      encoded
          .blocks()
          .forEach(
              (output, held) ->
                  written.put(
                      output,
                      new BlockPartition<>(
                          writers[output].finish().get(0), held.coder(), held.readers())));
      return written;
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
      long count = task.processAll(input);
      context.metrics().getContainer(stage).getCounter(ELEMENTS_IN).inc(count);
      Instant outputWatermark = task.advanceWatermark(inputWatermark.get());
      task.finish();
      outcome =
          new Outcome(
              outputWatermark,
              task.hasPendingWork(),
              count,
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
