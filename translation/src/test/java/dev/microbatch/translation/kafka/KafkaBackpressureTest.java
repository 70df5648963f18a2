package dev.microbatch.translation.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * Backpressure against a real broker: a job that costs 4 ms a record in each of 2 tasks processes
 * about 500 records/s, or 250 per 500 ms batch, and is fed twice that. The assertions are shapes
 * with wide margins, not timings: a busy machine makes the job slower, which makes both shapes only
 * clearer.
 */
public class KafkaBackpressureTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);
  private static final int PARTITIONS = 2;
  private static final Duration COST = Duration.ofMillis(4);
  private static final long INTERVAL = 500;
  private static final int CAUGHT_UP_BATCHES = 3;

  @Test(timeout = 180_000)
  public void withBackpressureBatchesShrinkToWhatTheJobProcessesAndTheJobCatchesUp()
      throws Exception {
    // A backlog of 4 intervals' work, then twice the capacity for longer than the job is watched.
    Overload overload =
        new Overload(
            PARTITIONS,
            COST,
            INTERVAL,
            1000,
            1000,
            120_000,
            // Caught up within 10 s here when the machine is not busy; the bound is for one that
            // is, where the first batch takes much longer and so does working off its delay.
            Duration.ofSeconds(100),
            KafkaBackpressureTest::caughtUpAfterFallingBehind);
    List<BatchRecorder.Batch> batches = overload.run(TOPICS, "pressed", true);
    String table = BatchRecorder.table(batches);
    System.out.println("With backpressure:\n" + table);

    assertThat(
        "the job fell behind and caught up while twice its capacity kept arriving\n" + table,
        caughtUpAfterFallingBehind(batches));
    long first = batches.get(0).records();
    assertThat("the first batch takes the backlog\n" + table, first, greaterThanOrEqualTo(1000L));
    for (BatchRecorder.Batch batch : batches.subList(1, batches.size())) {
      assertThat(
          "every later batch is at most half the first, overloaded one\n" + table,
          batch.records(),
          lessThanOrEqualTo(first / 2));
    }
    double perInterval = overload.capacity() * INTERVAL / 1000;
    assertThat(
        "once caught up, batches take a good part of what the job processes in an interval\n"
            + table,
        (double)
            lastBatches(batches).stream().mapToLong(BatchRecorder.Batch::records).max().orElse(0),
        greaterThanOrEqualTo(perInterval / 4));
  }

  /**
   * The delay stopped growing and was worked off: some batch started at least two intervals late,
   * and the last few batches each started less than one interval late.
   */
  private static boolean caughtUpAfterFallingBehind(List<BatchRecorder.Batch> batches) {
    return batches.size() > CAUGHT_UP_BATCHES
        && maxDelay(batches) >= 2 * INTERVAL
        && lastBatches(batches).stream().allMatch(b -> b.schedulingDelayMillis() < INTERVAL);
  }

  private static List<BatchRecorder.Batch> lastBatches(List<BatchRecorder.Batch> batches) {
    return batches.subList(Math.max(0, batches.size() - CAUGHT_UP_BATCHES), batches.size());
  }

  @Test(timeout = 120_000)
  public void withoutBackpressureTheDelayGrowsBatchAfterBatch() throws Exception {
    // The same overload, shorter: without a bound each batch takes all that arrived while the one
    // before ran, twice what the job processes in that time, so the job falls further behind. The
    // producer goes on for 2.5 s, so that a first batch that starts late on a busy machine still
    // leaves the second one more than an interval's work.
    Overload overload =
        new Overload(
            PARTITIONS,
            COST,
            INTERVAL,
            500,
            1000,
            2500,
            Duration.ofSeconds(30),
            b -> b.size() >= 3);
    List<BatchRecorder.Batch> batches = overload.run(TOPICS, "unpressed", false);
    String table = BatchRecorder.table(batches);
    System.out.println("Without backpressure:\n" + table);

    assertThat(table, batches.size(), greaterThanOrEqualTo(3));
    for (int i = 1; i < 3; i++) {
      assertThat(
          "batch " + i + " starts later than the one before\n" + table,
          batches.get(i).schedulingDelayMillis(),
          greaterThan(batches.get(i - 1).schedulingDelayMillis()));
    }
    assertThat(
        "batch 1 takes more than one interval's work\n" + table,
        (double) batches.get(1).records(),
        greaterThan(overload.capacity() * INTERVAL / 1000));
    assertThat(
        "the job fell several intervals behind\n" + table,
        batches.get(2).schedulingDelayMillis(),
        greaterThanOrEqualTo(3 * INTERVAL));
  }

  private static long maxDelay(List<BatchRecorder.Batch> batches) {
    return batches.stream().mapToLong(BatchRecorder.Batch::schedulingDelayMillis).max().orElse(0);
  }
}
