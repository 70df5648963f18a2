package dev.microbatch.translation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import dev.microbatch.runner.MicroBatchRunner;
import dev.microbatch.runner.TestMicroBatchRunner;
import dev.microbatch.translation.runtime.GroupAlsoByWindowStep;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/** Unbounded pipelines: Beam's event-time model executed batch by batch. */
public class StreamingPipelineTest {

  private static final Duration MINUTE = Duration.standardMinutes(1);

  private static MicroBatchPipelineOptions options() {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    return options;
  }

  /** 20 ms batches of at most 7 records each. */
  private static MicroBatchPipelineOptions sevenRecordBatches() {
    MicroBatchPipelineOptions options = options();
    options.setBatchIntervalMillis(20L);
    options.setMaxRecordsPerBatch(7L);
    return options;
  }

  private static IntervalWindow minute(int index) {
    Instant start = new Instant(0).plus(MINUTE.multipliedBy(index));
    return new IntervalWindow(start, start.plus(MINUTE));
  }

  @Test(timeout = 60_000)
  public void lateElementsAreDroppedAndCountedInMetrics() {
    Pipeline p = Pipeline.create(options());
    TestStream<Long> events =
        TestStream.create(VarLongCoder.of())
            .addElements(
                TimestampedValue.of(1L, new Instant(1_000)),
                TimestampedValue.of(2L, new Instant(2_000)))
            .advanceWatermarkTo(new Instant(70_000))
            .addElements(
                TimestampedValue.of(100L, new Instant(3_000)),
                TimestampedValue.of(5L, new Instant(61_000)))
            .advanceWatermarkToInfinity();
    PCollection<Long> sums =
        p.apply(events)
            .apply(Window.into(FixedWindows.of(MINUTE)))
            .apply(Sum.longsGlobally().withoutDefaults());
    PAssert.that(sums).inWindow(minute(0)).containsInAnyOrder(3L);
    PAssert.that(sums).inWindow(minute(1)).containsInAnyOrder(5L);

    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    long dropped =
        committed(
            result,
            MetricNameFilter.named(
                GroupAlsoByWindowStep.class, LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS));
    assertEquals("the element at 3 s arrived after its window closed", 1, dropped);
  }

  @Test(timeout = 60_000)
  public void earlyPanesFireAtTheFirstBatchAfterTheirProcessingTimeDelay() {
    Pipeline p = Pipeline.create(options());
    TestStream<Long> events =
        TestStream.create(VarLongCoder.of())
            .addElements(TimestampedValue.of(1L, new Instant(1_000)))
            .advanceProcessingTime(Duration.standardMinutes(3))
            .addElements(TimestampedValue.of(2L, new Instant(2_000)))
            .advanceProcessingTime(Duration.standardMinutes(3))
            .addElements(TimestampedValue.of(3L, new Instant(3_000)))
            .advanceWatermarkToInfinity();
    PCollection<Long> sums =
        p.apply(events)
            .apply(
                Window.<Long>into(FixedWindows.of(Duration.standardMinutes(30)))
                    .triggering(
                        AfterWatermark.pastEndOfWindow()
                            .withEarlyFirings(
                                AfterProcessingTime.pastFirstElementInPane()
                                    .plusDelayOf(Duration.standardMinutes(2))))
                    .accumulatingFiredPanes()
                    .withAllowedLateness(Duration.ZERO))
            .apply(Sum.longsGlobally().withoutDefaults());
    // Early panes after 1 and after 1+2; the on-time pane has all three.
    PAssert.that(sums).containsInAnyOrder(1L, 3L, 6L);
    PAssert.that(sums)
        .inOnTimePane(new IntervalWindow(new Instant(0), Duration.standardMinutes(30)))
        .containsInAnyOrder(6L);
    p.run().waitUntilFinish();
  }

  @Test(timeout = 60_000)
  public void anUnboundedSourceIsReadBatchByBatchAndItsMarksFinalizedAfterEachCommit() {
    MicroBatchPipelineOptions options = sevenRecordBatches();
    Pipeline p = Pipeline.create(options);
    String runId = UUID.randomUUID().toString();
    // All timestamps (0..99 ms) fall into the first day's window.
    PCollection<Long> numbers =
        p.apply(Read.from(new FiniteUnboundedSource(runId, 100, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardDays(1))));
    PAssert.thatSingleton(
            numbers.apply("Count", Combine.globally(Count.<Long>combineFn()).withoutDefaults()))
        .isEqualTo(100L);
    PAssert.thatSingleton(numbers.apply("Sum", Sum.longsGlobally().withoutDefaults()))
        .isEqualTo(4950L);

    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    assertTrue("an unbounded PCollection makes the run a streaming one", options.isStreaming());
    // Each split has 50 numbers and may deliver 7 per batch: at least 8 reads per split, each
    // finalized once its batch committed.
    assertThat(FiniteUnboundedSource.FINALIZED.get(runId).get(), greaterThanOrEqualTo(16));
  }

  /** Lifecycle calls by run id and kind ("setup", "bundle", "teardown"). */
  private static final Map<String, AtomicInteger> LIFECYCLE = new ConcurrentHashMap<>();

  private static int lifecycle(String runId, String call) {
    AtomicInteger count = LIFECYCLE.get(runId + " " + call);
    return count == null ? 0 : count.get();
  }

  /** Passes numbers on, counting its Setup, StartBundle and Teardown calls. */
  private static final class CountsItsLifecycle extends DoFn<Long, Long> {
    private final String runId;

    CountsItsLifecycle(String runId) {
      this.runId = runId;
    }

    private void count(String call) {
      LIFECYCLE.computeIfAbsent(runId + " " + call, k -> new AtomicInteger()).incrementAndGet();
    }

    @Setup
    public void setup() {
      count("setup");
    }

    @StartBundle
    public void startBundle() {
      count("bundle");
    }

    @ProcessElement
    public void process(@Element Long number, OutputReceiver<Long> out) {
      out.output(number);
    }

    @Teardown
    public void teardown() {
      count("teardown");
    }
  }

  @Test(timeout = 60_000)
  public void aDoFnInstanceIsSetUpOnceAndServesBundleAfterBundleUntilTheRunEnds() {
    MicroBatchPipelineOptions options = sevenRecordBatches();
    Pipeline p = Pipeline.create(options);
    String runId = UUID.randomUUID().toString();
    PCollection<Long> numbers =
        p.apply(Read.from(new FiniteUnboundedSource(runId, 100, 2)))
            .apply(ParDo.of(new CountsItsLifecycle(runId)))
            .apply(Window.into(FixedWindows.of(Duration.standardDays(1))));
    PAssert.thatSingleton(
            numbers.apply("Count", Combine.globally(Count.<Long>combineFn()).withoutDefaults()))
        .isEqualTo(100L);

    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());

    // Two splits, 7 numbers per batch: at least 8 batches of two bundles, served by at most one
    // instance per task running at once (two), each torn down once, when the run ended.
    assertThat(lifecycle(runId, "bundle"), greaterThanOrEqualTo(16));
    assertThat(lifecycle(runId, "setup"), org.hamcrest.Matchers.lessThanOrEqualTo(2));
    assertEquals(lifecycle(runId, "setup"), lifecycle(runId, "teardown"));
  }

  /** Window results by run id: the pipeline's DoFns are serialized, the sink is not. */
  private static final Map<String, Queue<Long>> RESULTS = new ConcurrentHashMap<>();

  private static final class Collect extends DoFn<Long, Void> {
    private final String runId;

    Collect(String runId) {
      this.runId = runId;
    }

    @ProcessElement
    public void process(@Element Long count) {
      RESULTS.computeIfAbsent(runId, k -> new ConcurrentLinkedQueue<>()).add(count);
    }
  }

  @Test(timeout = 60_000)
  public void drainStopsTheSourcesAndFiresTheFinalPanesOfOpenWindows() {
    MicroBatchPipelineOptions options = options();
    options.setRunner(MicroBatchRunner.class);
    options.setBatchIntervalMillis(100L);
    Pipeline p = Pipeline.create(options);
    String runId = UUID.randomUUID().toString();
    p.apply(GenerateSequence.from(0).withRate(200, Duration.standardSeconds(1)))
        .apply("CountRead", ParDo.of(new CountRead()))
        .apply(Window.into(FixedWindows.of(Duration.standardHours(1))))
        .apply(Combine.globally(Count.<Long>combineFn()).withoutDefaults())
        .apply(ParDo.of(new Collect(runId)));

    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    assertEquals(PipelineResult.State.RUNNING, result.waitUntilFinish(Duration.millis(1500)));
    assertEquals(PipelineResult.State.DONE, result.drain());
    // The hour-long window was still open: only the drain's final watermark could fire it, and its
    // final pane holds every number read before the drain (two panes if the run crossed an hour).
    Queue<Long> counts = RESULTS.get(runId);
    assertThat(counts, notNullValue());
    assertThat(counts.size(), lessThanOrEqualTo(2));
    long read = CountRead.committed(result);
    assertThat("numbers read before the drain", read, greaterThan(0L));
    assertEquals(read, counts.stream().mapToLong(Long::longValue).sum());
  }

  /** Counts the elements that pass, in committed metrics. */
  private static final class CountRead extends DoFn<Long, Long> {
    private final Counter read = Metrics.counter("spec", "read");

    @ProcessElement
    public void process(@Element Long element, OutputReceiver<Long> out) {
      read.inc();
      out.output(element);
    }

    static long committed(PipelineResult result) {
      return StreamingPipelineTest.committed(result, MetricNameFilter.named("spec", "read"));
    }
  }

  /** The committed values of the counters {@code name} matches, added up. */
  private static long committed(PipelineResult result, MetricNameFilter name) {
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(MetricsFilter.builder().addNameFilter(name).build())
            .getCounters()) {
      total += counter.getCommitted();
    }
    return total;
  }

  /** Adds the side input to each value, keeping a per-key running sum in state. */
  private static final class SumWithSide extends DoFn<KV<String, Integer>, Integer> {
    private final PCollectionView<Integer> side;

    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value(VarIntCoder.of());

    SumWithSide(PCollectionView<Integer> side) {
      this.side = side;
    }

    @ProcessElement
    public void process(ProcessContext c, @StateId("sum") ValueState<Integer> sum) {
      int total = (sum.read() == null ? 0 : sum.read()) + c.element().getValue();
      sum.write(total);
      c.output(total + c.sideInput(side));
    }
  }

  @Test(timeout = 60_000)
  public void aStatefulStepWaitsForItsSideInputWindowWithoutLosingTheElement() {
    Pipeline p = Pipeline.create(options());
    Instant second = new Instant(1_000);
    // The side input's value arrives three batches after the main input's element.
    PCollectionView<Integer> side =
        p.apply(
                "Side",
                TestStream.create(VarIntCoder.of())
                    .advanceWatermarkTo(new Instant(0))
                    .advanceWatermarkTo(new Instant(1))
                    .addElements(TimestampedValue.of(10, second))
                    .advanceWatermarkToInfinity())
            .apply("WindowSide", Window.into(FixedWindows.of(MINUTE)))
            .apply(View.asSingleton());
    PCollection<Integer> sums =
        p.apply(
                "Main",
                TestStream.create(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()))
                    .addElements(TimestampedValue.of(KV.of("k", 1), second))
                    .advanceWatermarkToInfinity())
            .apply("WindowMain", Window.into(FixedWindows.of(MINUTE)))
            .apply(ParDo.of(new SumWithSide(side)).withSideInputs(side));
    PAssert.that(sums).containsInAnyOrder(11);
    p.run().waitUntilFinish();
  }
}
