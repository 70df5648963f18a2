package dev.microbatch.translation.kafka;

import java.util.concurrent.locks.LockSupport;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * A step that costs a fixed time per record, spent waiting rather than computing, so that a
 * pipeline's capacity is known (records per second = tasks / cost) and does not depend on how busy
 * the machine's cores are.
 */
final class FixedCostPerRecord<T> extends DoFn<T, T> {

  private final long nanosPerRecord;

  FixedCostPerRecord(java.time.Duration costPerRecord) {
    this.nanosPerRecord = costPerRecord.toNanos();
  }

  @ProcessElement
  public void process(@Element T element, OutputReceiver<T> out) {
    long until = System.nanoTime() + nanosPerRecord;
    for (long left = nanosPerRecord; left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    out.output(element);
  }
}
