package dev.microbatch.runner.rate;

import static org.junit.Assert.assertEquals;

import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.BatchTime;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.Test;

/** The per-partition bound of one batch, from a fixed rate and from backpressure. */
public class RateLimitTest {

  /** An estimator that answers with a fixed rate once it has seen a batch. */
  private static RateController controllerAt(double rate) {
    RateController controller =
        new RateController("in", (time, records, processing, delay) -> OptionalDouble.of(rate));
    controller.onBatchCompleted(
        new BatchInfo(
            new BatchTime(1000),
            1000,
            Optional.of(1000L),
            Optional.of(1500L),
            Map.of("in", 10L),
            Optional.empty()));
    return controller;
  }

  @Test
  public void withoutBoundsThereIsNoLimit() {
    assertEquals(-1, RateLimit.none(1000).maxRecordsPerPartition(4));
  }

  @Test
  public void aFixedRatePerPartitionIsScaledToTheInterval() {
    assertEquals(50, new RateLimit(500, 100, 0, Optional.empty()).maxRecordsPerPartition(4));
  }

  @Test
  public void theBackpressureRateIsSharedByThePartitionsAndTheFixedRateStillCaps() {
    RateController controller = controllerAt(1000);
    assertEquals(250, new RateLimit(1000, 0, 0, Optional.of(controller)).maxRecordsPerPartition(4));
    assertEquals(
        100, new RateLimit(1000, 100, 0, Optional.of(controller)).maxRecordsPerPartition(4));
  }

  @Test
  public void theInitialRateHoldsUntilTheFirstEstimate() {
    RateController fresh =
        new RateController("in", (time, records, processing, delay) -> OptionalDouble.empty());
    assertEquals(200, new RateLimit(1000, 0, 800, Optional.of(fresh)).maxRecordsPerPartition(4));
  }

  @Test
  public void aTinyRateStillLetsOneRecordThrough() {
    assertEquals(1, new RateLimit(100, 0.5, 0, Optional.empty()).maxRecordsPerPartition(1));
  }
}
