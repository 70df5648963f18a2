package dev.microbatch.runner.scheduler;

import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/** A watermark as people read it: an ISO time, or the words for the two ends of time. */
public final class WatermarkText {

  private WatermarkText() {}

  public static String of(Instant watermark) {
    if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      return "end of time";
    }
    if (!watermark.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
      return "start of time";
    }
    return watermark.toString();
  }
}
