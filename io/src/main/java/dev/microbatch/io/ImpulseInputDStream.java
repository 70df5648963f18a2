package dev.microbatch.io;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.InputRecovery;
import dev.microbatch.runner.dstream.ListPartition;
import dev.microbatch.runner.dstream.Partition;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * Beam's Impulse: a single empty byte array in the global window, in the first batch. Later batches
 * still have its one (empty) partition: downstream steps may keep per-partition work (elements
 * waiting for side inputs) that only a running task can pick up again.
 */
public final class ImpulseInputDStream extends InputDStream<WindowedValue<byte[]>> {

  private volatile boolean emitted;
  private volatile boolean emitting;

  public ImpulseInputDStream(String name) {
    super(name);
  }

  @Override
  protected BatchResult<WindowedValue<byte[]>> compute(BatchContext batch) {
    emitting = !emitted;
    if (emitted) {
      return BatchResult.of(
          List.of(new ListPartition<>(List.of())), BoundedWindow.TIMESTAMP_MAX_VALUE);
    }
    emitted = true;
    batch.addRecordsIn(name(), 1);
    List<Partition<WindowedValue<byte[]>>> partitions =
        List.of(new ListPartition<>(List.of(WindowedValues.valueInGlobalWindow(new byte[0]))));
    return BatchResult.of(partitions, BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  @Override
  public Optional<InputRecovery> recovery() {
    return Optional.of(
        new ReadOnceRecovery(
            new ReadOnceRecovery.Target() {
              @Override
              public boolean deliversInFlight() {
                return emitting;
              }

              @Override
              public boolean deliveredBefore() {
                return emitted && !emitting;
              }

              @Override
              public void restore(boolean delivered) {
                emitted = delivered;
              }

              @Override
              public void deliverAgain() {
                emitted = false;
              }
            }));
  }

  @Override
  protected boolean hasDeliveredEverything() {
    return emitted;
  }
}
