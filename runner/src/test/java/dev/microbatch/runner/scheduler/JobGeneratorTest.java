package dev.microbatch.runner.scheduler;

import static org.junit.Assert.assertEquals;

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
}
