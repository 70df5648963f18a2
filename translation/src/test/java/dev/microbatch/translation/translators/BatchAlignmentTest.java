package dev.microbatch.translation.translators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;

import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.junit.Test;

/** Windows that processing-time triggers fire on should line up with batch boundaries. */
public class BatchAlignmentTest {

  private static final Repeatedly EVERY_PANE =
      Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane());

  @Test
  public void aWindowSizeThatIsNotAMultipleOfTheIntervalIsReported() {
    WindowingStrategy<?, ?> strategy =
        WindowingStrategy.of(FixedWindows.of(Duration.millis(1500))).withTrigger(EVERY_PANE);
    assertThat(
        BatchAlignment.misalignments(strategy, 1000),
        contains(containsString("window size 1500 ms is not a multiple of the batch interval")));
  }

  @Test
  public void aSlidingPeriodIsCheckedToo() {
    WindowingStrategy<?, ?> strategy =
        WindowingStrategy.of(
                SlidingWindows.of(Duration.standardSeconds(10)).every(Duration.millis(2500)))
            .withTrigger(
                AfterWatermark.pastEndOfWindow()
                    .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane()));
    assertThat(
        BatchAlignment.misalignments(strategy, 1000),
        contains(containsString("window period 2500 ms")));
  }

  @Test
  public void alignedWindowsOrEventTimeTriggersAreFine() {
    WindowingStrategy<?, ?> aligned =
        WindowingStrategy.of(FixedWindows.of(Duration.standardSeconds(3))).withTrigger(EVERY_PANE);
    WindowingStrategy<?, ?> eventTime =
        WindowingStrategy.of(FixedWindows.of(Duration.millis(1500)));
    assertThat(BatchAlignment.misalignments(aligned, 1000), empty());
    assertThat(BatchAlignment.misalignments(eventTime, 1000), empty());
  }
}
