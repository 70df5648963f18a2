package dev.microbatch.translation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.TestMicroBatchRunner;
import dev.microbatch.translation.runtime.GroupAlsoByWindowStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.io.OffsetBasedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/** Bounded pipelines run to completion on the micro-batch engine with Beam's semantics. */
public class BoundedPipelineTest {

  private static Pipeline pipeline(int parallelism) {
    return Pipeline.create(options(parallelism));
  }

  private static MicroBatchPipelineOptions options(int parallelism) {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setParallelism(parallelism);
    options.setLogEveryBatch(false);
    return options;
  }

  @Test
  public void countsWordsAcrossPartitions() {
    Pipeline p = pipeline(3);
    PCollection<KV<String, Long>> counts =
        p.apply(Create.of("a b c", "a b", "a"))
            .apply(
                FlatMapElements.into(TypeDescriptors.strings())
                    .via((String line) -> Arrays.asList(line.split(" "))))
            .apply(Count.perElement());
    PAssert.that(counts).containsInAnyOrder(KV.of("a", 3L), KV.of("b", 2L), KV.of("c", 1L));
    p.run().waitUntilFinish();
  }

  @Test
  public void groupsByKeyAndReadsASideInput() {
    Pipeline p = pipeline(2);
    PCollectionView<Integer> offset = p.apply("Offset", Create.of(100)).apply(View.asSingleton());
    PCollection<KV<String, Integer>> summed =
        p.apply(Create.of(KV.of("x", 1), KV.of("y", 2), KV.of("x", 3)))
            .apply(GroupByKey.create())
            .apply(ParDo.of(new SumWithOffset(offset)).withSideInputs(offset));
    PAssert.that(summed).containsInAnyOrder(KV.of("x", 104), KV.of("y", 102));
    PAssert.thatSingleton(
            summed
                .apply(MapElements.into(TypeDescriptors.integers()).via(KV::getValue))
                .apply(Sum.integersGlobally()))
        .isEqualTo(206);
    p.run().waitUntilFinish();
  }

  /**
   * A key whose group is several times the chunk a GroupByKey adds to its panes at once still comes
   * out whole: one pane under the default trigger, and under an element-count trigger panes that
   * together hold each value exactly once.
   */
  @Test
  public void aKeyGroupLargerThanAChunkComesOutWholeAndEachValueOnce() {
    int perKey = 2 * GroupAlsoByWindowStep.GROUPED_CHUNK + 500;
    List<KV<String, Integer>> input = new ArrayList<>();
    for (int i = 0; i < perKey; i++) {
      input.add(KV.of("x", i));
      input.add(KV.of("y", i));
    }
    Pipeline p = pipeline(2);
    PCollection<KV<String, Integer>> values = p.apply(Create.of(input));
    PCollection<KV<String, Long>> sizes =
        values
            .apply("Group", GroupByKey.create())
            .apply(
                "Sizes",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(pane -> KV.of(pane.getKey(), (long) Iterables.size(pane.getValue()))));
    PAssert.that(sizes).containsInAnyOrder(KV.of("x", (long) perKey), KV.of("y", (long) perKey));
    PCollection<KV<String, Integer>> fromPanes =
        values
            .apply(
                Window.<KV<String, Integer>>configure()
                    .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1_000)))
                    .discardingFiredPanes()
                    .withAllowedLateness(Duration.ZERO))
            .apply("GroupUnderCounts", GroupByKey.create())
            .apply(
                "Ungroup",
                FlatMapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
                    .via(
                        pane -> {
                          List<KV<String, Integer>> each = new ArrayList<>();
                          pane.getValue().forEach(value -> each.add(KV.of(pane.getKey(), value)));
                          return each;
                        }));
    PAssert.that(fromPanes).containsInAnyOrder(input);
    p.run().waitUntilFinish();
  }

  @Test(timeout = 60_000)
  public void readsABoundedSourceToCompletion() {
    Pipeline p = pipeline(2);
    PCollection<Long> numbers = p.apply(Read.from(CountingSource.upTo(10)));
    PAssert.that(numbers).containsInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    p.run().waitUntilFinish();
  }

  @Test(timeout = 60_000)
  public void aSourceWithoutAConsumerIsStillReadToItsEndAndTheRunEnds() {
    MicroBatchPipelineOptions options = options(2);
    // Over several batches: the run must go on until the source is exhausted, then end.
    options.setMaxRecordsPerBatch(3L);
    Pipeline p = Pipeline.create(options);
    p.apply(Read.from(new CountedNumbers(0, 10)));

    PipelineResult result = p.run();

    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    assertEquals(List.of(10L), committed(result, CountedNumbers.READ));
  }

  @Test(timeout = 60_000)
  public void mainInputWaitsForASideInputThatSpansBatches() {
    MicroBatchPipelineOptions options = options(2);
    // Two records per split per batch: the side input's source needs several batches, while the
    // main input is read in the first one.
    options.setMaxRecordsPerBatch(2L);
    Pipeline p = Pipeline.create(options);
    PCollectionView<Integer> total =
        p.apply("Numbers", Create.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
            .apply(Sum.integersGlobally().asSingletonView());
    PCollection<KV<String, Integer>> withTotal =
        p.apply("Keys", Create.of("a", "b"))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
                    .via((String k) -> KV.of(k, 0)))
            .apply(GroupByKey.create())
            .apply(ParDo.of(new SumWithOffset(total)).withSideInputs(total));
    PAssert.that(withTotal).containsInAnyOrder(KV.of("a", 55), KV.of("b", 55));
    p.run().waitUntilFinish();
  }

  /**
   * A Combine.perKey over merging windows is not lifted, yet its panes keep accumulators, not
   * values: each element starts a session with an accumulator of its own, and sessions merge by
   * merging them (a GroupByKey followed by combining each pane's values would never merge any).
   */
  @Test
  public void aCombineOverMergingWindowsMergesAccumulatorsAsSessionsMerge() {
    Pipeline p = pipeline(2);
    PCollection<KV<String, Long>> sums =
        p.apply(
                Create.timestamped(
                    TimestampedValue.of(KV.of("a", 1L), new Instant(1_000)),
                    TimestampedValue.of(KV.of("a", 2L), new Instant(2_000)),
                    TimestampedValue.of(KV.of("a", 4L), new Instant(60_000)),
                    TimestampedValue.of(KV.of("b", 8L), new Instant(3_000))))
            .apply(Window.into(Sessions.withGapDuration(Duration.standardSeconds(10))))
            .apply(Combine.perKey(new MergeCountingSum()));
    PAssert.that(sums).containsInAnyOrder(KV.of("a", 3L), KV.of("a", 4L), KV.of("b", 8L));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(committed(result, MergeCountingSum.MERGES).get(0), greaterThan(0L));
  }

  /**
   * In a batch run a Combine.perKey whose trigger does not count elements is lifted: each task's
   * partial accumulators (not its elements) reach the trigger's panes and merge into them, and the
   * panes are those the elements would have made.
   */
  @Test
  public void aCombineWithAProcessingTimeTriggerIsLiftedAndFiresThePanesOfItsElements() {
    Pipeline p = pipeline(2);
    PCollection<KV<String, Long>> sums =
        summedUnder(
            p,
            Repeatedly.forever(
                AfterProcessingTime.pastFirstElementInPane()
                    .plusDelayOf(Duration.standardMinutes(1))));
    PAssert.that(sums).containsInAnyOrder(KV.of("a", 7L), KV.of("b", 8L));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(Set.of("Combine.perKey(MergeCountingSum)/Partial"), stepsAdding(result));
  }

  /**
   * A trigger that counts elements would count accumulators if the combine were lifted, so that
   * combine is not: every element reaches the pane and is added to its one accumulator. Key "a"
   * reaches two elements at once and fires early; its on-time pane follows, empty (Beam fires the
   * on-time pane always, unless told otherwise), as a zero.
   */
  @Test
  public void aCombineWithAnElementCountTriggerIsNotLifted() {
    Pipeline p = pipeline(2);
    PCollection<KV<String, Long>> sums =
        summedUnder(p, Repeatedly.forever(AfterPane.elementCountAtLeast(2)));
    PAssert.that(sums).containsInAnyOrder(KV.of("a", 7L), KV.of("a", 0L), KV.of("b", 8L));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(Set.of("Combine.perKey(MergeCountingSum)"), stepsAdding(result));
  }

  /** a: 1, 2, 4 and b: 8, in the global window under {@code trigger}, summed per key. */
  private static PCollection<KV<String, Long>> summedUnder(Pipeline p, Trigger trigger) {
    return p.apply(Create.of(KV.of("a", 1L), KV.of("a", 2L), KV.of("a", 4L), KV.of("b", 8L)))
        .apply(
            Window.<KV<String, Long>>configure()
                .triggering(trigger)
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply(Combine.perKey(new MergeCountingSum()));
  }

  /**
   * A sum that counts its accumulator merges in the "spec"/"merges" counter and its additions of
   * elements in "spec"/"adds".
   */
  private static final class MergeCountingSum extends Combine.CombineFn<Long, long[], Long> {
    static final String MERGES = "merges";
    static final String ADDS = "adds";
    private final Counter merges = Metrics.counter("spec", MERGES);
    private final Counter adds = Metrics.counter("spec", ADDS);

    @Override
    public long[] createAccumulator() {
      return new long[1];
    }

    @Override
    public long[] addInput(long[] sum, Long input) {
      adds.inc();
      sum[0] += input;
      return sum;
    }

    @Override
    public long[] mergeAccumulators(Iterable<long[]> sums) {
      merges.inc();
      long[] merged = new long[1];
      sums.forEach(sum -> merged[0] += sum[0]);
      return merged;
    }

    @Override
    public Long extractOutput(long[] sum) {
      return sum[0];
    }

    @Override
    public Coder<long[]> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry, Coder<Long> input) {
      return new org.apache.beam.sdk.coders.AtomicCoder<>() {
        @Override
        public void encode(long[] sum, java.io.OutputStream out) throws java.io.IOException {
          VarLongCoder.of().encode(sum[0], out);
        }

        @Override
        public long[] decode(java.io.InputStream in) throws java.io.IOException {
          return new long[] {VarLongCoder.of().decode(in)};
        }
      };
    }
  }

  @Test
  public void reportsCommittedCounters() {
    Pipeline p = pipeline(2);
    p.apply(Create.of(1, 2, 3, 4)).apply(ParDo.of(new CountSeen()));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(List.of(4L), committed(result, "seen"));
  }

  /** The committed values of the counters named {@code name} in namespace "spec". */
  /** The steps in which {@link MergeCountingSum} added elements to accumulators. */
  private static Set<String> stepsAdding(PipelineResult result) {
    Set<String> steps = new java.util.HashSet<>();
    result
        .metrics()
        .queryMetrics(
            MetricsFilter.builder()
                .addNameFilter(MetricNameFilter.named("spec", MergeCountingSum.ADDS))
                .build())
        .getCounters()
        .forEach(
            counter -> {
              if (counter.getCommitted() > 0) {
                steps.add(counter.getKey().stepName());
              }
            });
    return steps;
  }

  private static List<Long> committed(PipelineResult result, String name) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("spec", name))
                    .build());
    List<Long> committed = new java.util.ArrayList<>();
    metrics.getCounters().forEach(c -> committed.add(c.getCommitted()));
    return committed;
  }

  /** The numbers {@code [from, to)}, each counted in the "spec"/"read" counter as it is read. */
  private static final class CountedNumbers extends OffsetBasedSource<Long> {
    static final String READ = "read";

    CountedNumbers(long from, long to) {
      super(from, to, 1);
    }

    @Override
    public OffsetBasedSource<Long> createSourceForSubrange(long start, long end) {
      return new CountedNumbers(start, end);
    }

    @Override
    public long getMaxEndOffset(PipelineOptions options) {
      return getEndOffset();
    }

    @Override
    public BoundedReader<Long> createReader(PipelineOptions options) {
      return new Reader(this);
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }

    private static final class Reader extends OffsetBasedReader<Long> {
      private final Counter read = Metrics.counter("spec", READ);
      private long current;

      Reader(CountedNumbers source) {
        super(source);
        current = source.getStartOffset() - 1;
      }

      @Override
      protected long getCurrentOffset() {
        return current;
      }

      @Override
      protected boolean startImpl() {
        return advanceImpl();
      }

      @Override
      protected boolean advanceImpl() {
        current++;
        if (current >= getCurrentSource().getEndOffset()) {
          return false;
        }
        read.inc();
        return true;
      }

      @Override
      public Long getCurrent() {
        return current;
      }

      @Override
      public void close() {}
    }
  }

  @Test
  public void userExceptionFailsThePipelineWithItAsCause() {
    Pipeline p = pipeline(2);
    p.apply(Create.of(1)).apply(ParDo.of(new Explode()));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertEquals(IllegalStateException.class, e.getCause().getClass());
    assertThat(e.getCause().getMessage(), containsString("boom in user code"));
  }

  private static final class SumWithOffset
      extends DoFn<KV<String, Iterable<Integer>>, KV<String, Integer>> {
    private final PCollectionView<Integer> offset;

    SumWithOffset(PCollectionView<Integer> offset) {
      this.offset = offset;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int sum = c.sideInput(offset);
      for (int v : c.element().getValue()) {
        sum += v;
      }
      c.output(KV.of(c.element().getKey(), sum));
    }
  }

  private static final class CountSeen extends DoFn<Integer, Integer> {
    private final Counter seen = Metrics.counter("spec", "seen");

    @ProcessElement
    public void process(ProcessContext c) {
      seen.inc();
    }
  }

  private static final class Explode extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(ProcessContext c) {
      throw new IllegalStateException("boom in user code");
    }
  }
}
