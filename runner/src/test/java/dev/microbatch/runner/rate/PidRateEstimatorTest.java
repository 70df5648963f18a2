package dev.microbatch.runner.rate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.OptionalDouble;
import org.junit.Test;

/** Backpressure's estimator: it follows what the job processes and works off a backlog. */
public class PidRateEstimatorTest {

  private final PidRateEstimator estimator = PidRateEstimator.withDefaults(1000);

  @Test
  public void theFirstBatchBoundsTheNextToWhatItProcessed() {
    // 5,000 records in 0.5 s: 10,000 records/s, no backlog.
    assertThat(estimator.compute(1000, 5000, 500, 0).getAsDouble(), closeTo(10_000, 1e-6));
  }

  @Test
  public void aFirstBatchThatStartedLateAlsoWorksOffItsBacklog() {
    // 10,000 records/s processed, 1 s late: 0.2 * 1 s * 10,000/s / 1 s = 2,000 below.
    assertThat(estimator.compute(1000, 5000, 500, 1000).getAsDouble(), closeTo(8_000, 1e-6));
  }

  @Test
  public void aJobThatKeepsUpKeepsItsRate() {
    estimator.compute(1000, 10_000, 1000, 0); // 10,000 records/s processed
    OptionalDouble rate = estimator.compute(2000, 10_000, 1000, 0);
    assertThat(rate.getAsDouble(), closeTo(10_000, 1e-6));
  }

  @Test
  public void anOverloadedJobGetsARateBelowWhatItProcessesUntilTheBacklogIsGone() {
    estimator.compute(1000, 10_000, 1000, 0);
    // 10,000 records took 2 s (5,000/s) and the batch started 1 s late.
    double rate = estimator.compute(2000, 10_000, 2000, 1000).getAsDouble();
    assertThat(rate, lessThan(5_000.0));
    // proportional: 10,000 - (10,000 - 5,000) = 5,000; integral: 0.2 * 1 s * 5,000/s / 1 s = 1,000
    assertThat(rate, closeTo(4_000, 1e-6));
  }

  @Test
  public void theRateNeverFallsBelowTheMinimum() {
    estimator.compute(1000, 1_000, 1000, 0);
    double rate = estimator.compute(2000, 10, 10_000, 60_000).getAsDouble();
    assertEquals(100, rate, 1e-9);
  }

  @Test
  public void anEmptyBatchTeachesNothing() {
    estimator.compute(1000, 10_000, 1000, 0);
    assertTrue(estimator.compute(2000, 0, 3, 0).isEmpty());
  }
}
