package dev.microbatch.runner.scheduler;

import static org.junit.Assert.assertEquals;

import org.joda.time.Duration;
import org.junit.Test;

/** When batches run back to back, and when they wait. */
public class JobGeneratorTest {

  @Test
  public void backToBackBatchesPauseWhileWaitingInputsReadNothing() throws Exception {
    ManualBatchClock clock = new ManualBatchClock(0);
    JobGenerator generator = JobGenerator.backToBack(clock, 1000);

    generator.nextBatch();
    assertEquals("no pause before anything is known", 0, clock.nowMillis());
    generator.batchCompleted(0, false);
    generator.nextBatch();
    assertEquals("1 ms after a batch that read nothing", 1, clock.nowMillis());
    generator.batchCompleted(0, false);
    generator.nextBatch();
    assertEquals("then 2 ms more", 3, clock.nowMillis());
    generator.batchCompleted(7, false);
    generator.nextBatch();
    assertEquals("records arrived: no pause", 3, clock.nowMillis());
  }

  @Test
  public void theIdlePauseStopsAtATenthOfASecondAndNeverDelaysADrain() throws Exception {
    ManualBatchClock clock = new ManualBatchClock(0);
    JobGenerator generator = JobGenerator.backToBack(clock, 1000);
    for (int i = 0; i < 20; i++) {
      generator.batchCompleted(0, false);
    }
    generator.nextBatch();
    assertEquals(100, clock.nowMillis());

    generator.batchCompleted(0, true); // inputs exhausted: batches only fire what is pending
    generator.nextBatch();
    assertEquals(100, clock.nowMillis());
  }

  @Test
  public void aStreamingRunsFirstBatchRunsAtOnceAndLaterOnesOnTheIntervalsBoundaries()
      throws Exception {
    ManualBatchClock clock = new ManualBatchClock(10_700);
    JobGenerator generator = JobGenerator.realTime(clock, 1000);

    assertEquals("at once, at its start", new BatchTime(10_700), generator.nextBatch());
    assertEquals("no wait", 10_700, clock.nowMillis());
    assertEquals("the next boundary", new BatchTime(11_000), generator.nextBatch());
    assertEquals(11_000, clock.nowMillis());
    assertEquals(new BatchTime(12_000), generator.nextBatch());
    clock.advance(Duration.millis(2_500)); // the batch at 12 s overran to 14.5 s
    assertEquals("late, but no boundary skipped", new BatchTime(13_000), generator.nextBatch());
    assertEquals(14_500, clock.nowMillis());
  }

  @Test
  public void aResumedStreamingRunStartsAtOnceAfterWhatItCommitted() throws Exception {
    ManualBatchClock clock = new ManualBatchClock(50_300);
    JobGenerator generator = JobGenerator.realTime(clock, 1000);
    generator.resumeAfter(new BatchTime(20_000)); // down for half a minute
    generator.resumeAfter(new BatchTime(21_000)); // a pending batch, re-run before

    assertEquals(new BatchTime(50_300), generator.nextBatch());
    assertEquals(new BatchTime(51_000), generator.nextBatch());
  }

  @Test
  public void aResumedStreamingRunWhoseClockIsNotPastItsLastBatchWaitsForTheBoundaryAfterIt()
      throws Exception {
    ManualBatchClock clock = new ManualBatchClock(20_000);
    JobGenerator generator = JobGenerator.realTime(clock, 1000);
    generator.resumeAfter(new BatchTime(20_000));

    assertEquals("never a batch time twice", new BatchTime(21_000), generator.nextBatch());
    assertEquals(21_000, clock.nowMillis());
  }
}
