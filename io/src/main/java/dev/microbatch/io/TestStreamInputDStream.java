package dev.microbatch.io;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.ListPartition;
import dev.microbatch.runner.scheduler.ManualBatchClock;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Beam's TestStream as an input: each batch plays the next event of the script, so that each
 * element event is one bundle, as the script's author meant. Elements go out in the batch, a
 * watermark advance becomes the batch's output watermark, and a processing-time advance moves the
 * manual clock, so the next batch (and its processing-time timers) happens at the new time. A batch
 * that finds the script over moves the watermark to the end of time.
 */
public final class TestStreamInputDStream<T> extends InputDStream<WindowedValue<T>> {

  private final List<TestStream.Event<T>> events;
  private final ManualBatchClock clock;
  private int next;
  private volatile Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  public TestStreamInputDStream(String name, TestStream<T> testStream, ManualBatchClock clock) {
    super(name);
    this.events = List.copyOf(testStream.getEvents());
    this.clock = clock;
  }

  @Override
  protected BatchResult<WindowedValue<T>> compute(BatchContext batch) {
    List<WindowedValue<T>> elements = new ArrayList<>();
    if (next < events.size()) {
      TestStream.Event<T> event = events.get(next++);
      if (event instanceof TestStream.ElementEvent<T> added) {
        for (TimestampedValue<T> element : added.getElements()) {
          elements.add(
              WindowedValues.timestampedValueInGlobalWindow(
                  element.getValue(), element.getTimestamp()));
        }
      } else if (event instanceof TestStream.WatermarkEvent<T> advance) {
        watermark = advance.getWatermark();
      } else if (event instanceof TestStream.ProcessingTimeEvent<T> advance) {
        clock.advance(advance.getProcessingTimeAdvance());
      } else {
        throw new IllegalStateException("Unknown TestStream event " + event + " in " + name());
      }
    } else {
      watermark = BoundedWindow.TIMESTAMP_MAX_VALUE;
    }
    batch.addRecordsIn(name(), elements.size());
    return BatchResult.of(List.of(new ListPartition<>(elements)), watermark);
  }

  @Override
  protected boolean hasDeliveredEverything() {
    return next >= events.size() && !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
  }
}
