package dev.microbatch.translation.runtime;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.TestMicroBatchRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * A DoFn that needs only its element runs on {@link StatelessDoFnRunner}, and sees and produces
 * exactly what Beam's own runner would give it: windows, timestamps, tagged outputs, the skew
 * check, bundle methods.
 */
public class StatelessDoFnRunnerTest {

  private static Pipeline pipeline() {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(TestMicroBatchRunner.class);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    return Pipeline.create(options);
  }

  @Test
  public void runsADoFnThatAsksOnlyForWhatItsElementCarries() {
    assertTrue(StatelessDoFnRunner.canRun(new Upper(), false));
    assertTrue(StatelessDoFnRunner.canRun(new WindowAndTimestamp(), false));
    assertTrue(StatelessDoFnRunner.canRun(new MainAndLengths(), false));
    assertTrue(StatelessDoFnRunner.canRun(new Unrelated(), false));
  }

  @Test
  public void leavesSideInputsStateAndRowOutputsToBeamsRunner() {
    assertFalse(StatelessDoFnRunner.canRun(new Upper(), true));
    assertFalse(StatelessDoFnRunner.canRun(new Remembering(), false));
    assertFalse(StatelessDoFnRunner.canRun(new AsRows(), false));
  }

  @Test
  public void anElementInSeveralWindowsKeepsThemAndIsSeenOncePerWindowWhereTheWindowIsObserved() {
    Pipeline p = pipeline();
    PCollection<String> seen =
        p.apply(
                Create.timestamped(
                    TimestampedValue.of("a", new Instant(0)),
                    TimestampedValue.of("b", new Instant(1500))))
            .apply(
                Window.into(
                    SlidingWindows.of(Duration.standardSeconds(2))
                        .every(Duration.standardSeconds(1))))
            .apply("Upper", ParDo.of(new Upper()))
            .apply("Describe", ParDo.of(new WindowAndTimestamp()));
    PAssert.that(seen).containsInAnyOrder("A@-1000/0", "A@0/0", "B@0/1500", "B@1000/1500");
    p.run().waitUntilFinish();
  }

  @Test
  public void aLiftedCombineAfterDoFnsCombinesEachOutputInItsInputsWindowAndTimestamp() {
    Pipeline p = pipeline();
    PCollection<String> counts =
        p.apply(
                Create.timestamped(
                    TimestampedValue.of("a b", new Instant(300)),
                    TimestampedValue.of("b c", new Instant(100)),
                    TimestampedValue.of("a", new Instant(1200))))
            .apply(
                Window.<String>into(FixedWindows.of(Duration.standardSeconds(1)))
                    .withTimestampCombiner(TimestampCombiner.EARLIEST))
            .apply("Words", ParDo.of(new Words()))
            .apply("Upper", ParDo.of(new Upper()))
            .apply(Count.perElement())
            .apply("Describe", ParDo.of(new CountWindowAndTimestamp()));
    PAssert.that(counts)
        .containsInAnyOrder("A=1@0/300", "B=2@0/100", "C=1@0/100", "A=1@1000/1200");
    p.run().waitUntilFinish();
  }

  @Test
  public void taggedOutputsReachTheirConsumersWithTheTimestampsTheDoFnChose() {
    Pipeline p = pipeline();
    PCollectionTuple outputs =
        p.apply(Create.timestamped(TimestampedValue.of("abc", new Instant(10))))
            .apply(
                ParDo.of(new MainAndLengths())
                    .withOutputTags(MainAndLengths.MAIN, TupleTagList.of(MainAndLengths.LENGTHS)));
    PAssert.that(outputs.get(MainAndLengths.MAIN).apply("Main", ParDo.of(new WindowAndTimestamp())))
        .containsInAnyOrder("abc@global/1010");
    PAssert.that(outputs.get(MainAndLengths.LENGTHS)).containsInAnyOrder(3);
    p.run().waitUntilFinish();
  }

  @Test
  public void anOutputEarlierThanTheAllowedSkewFailsTheRunNamingTheDoFn() {
    Pipeline p = pipeline();
    p.apply(Create.timestamped(TimestampedValue.of("x", new Instant(5_000))))
        .apply(ParDo.of(new OneSecondEarlier()));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertEquals(IllegalArgumentException.class, e.getCause().getClass());
    assertThat(e.getCause().getMessage(), containsString("Cannot output with timestamp"));
    assertThat(e.getCause().getMessage(), containsString(OneSecondEarlier.class.getName()));
  }

  @Test
  public void anOutputToATagTheParDoDidNotDeclareIsRefused() {
    Pipeline p = pipeline();
    p.apply(Create.of("x")).apply(ParDo.of(new Unrelated()));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertThat(e.getCause().getMessage(), containsString("Unknown output tag"));
  }

  @Test
  public void finishBundleOutputsWhatTheBundleCounted() {
    Pipeline p = pipeline();
    PCollection<Integer> total =
        p.apply(Create.of(1, 2, 3, 4, 5, 6, 7))
            .apply(ParDo.of(new CountPerBundle()))
            .apply(Sum.integersGlobally());
    PAssert.thatSingleton(total).isEqualTo(7);
    p.run().waitUntilFinish();
  }

  private static final class Upper extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String element, OutputReceiver<String> out) {
      out.output(element.toUpperCase());
    }
  }

  private static final class WindowAndTimestamp extends DoFn<String, String> {
    @ProcessElement
    public void process(
        @Element String element,
        BoundedWindow window,
        @Timestamp Instant timestamp,
        OutputReceiver<String> out) {
      String where =
          window instanceof IntervalWindow interval
              ? Long.toString(interval.start().getMillis())
              : window instanceof GlobalWindow ? "global" : window.toString();
      out.output(element + "@" + where + "/" + timestamp.getMillis());
    }
  }

  private static final class Words extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String line, OutputReceiver<String> out) {
      for (String word : line.split(" ")) {
        out.output(word);
      }
    }
  }

  private static final class CountWindowAndTimestamp extends DoFn<KV<String, Long>, String> {
    @ProcessElement
    public void process(
        @Element KV<String, Long> count,
        IntervalWindow window,
        @Timestamp Instant timestamp,
        OutputReceiver<String> out) {
      out.output(
          count.getKey()
              + "="
              + count.getValue()
              + "@"
              + window.start().getMillis()
              + "/"
              + timestamp.getMillis());
    }
  }

  private static final class MainAndLengths extends DoFn<String, String> {
    static final TupleTag<String> MAIN = new TupleTag<>("main") {};
    static final TupleTag<Integer> LENGTHS = new TupleTag<>("lengths") {};

    @ProcessElement
    public void process(
        @Element String element, @Timestamp Instant timestamp, MultiOutputReceiver out) {
      out.get(MAIN).outputWithTimestamp(element, timestamp.plus(Duration.millis(1000)));
      out.get(LENGTHS).output(element.length());
    }
  }

  private static final class OneSecondEarlier extends DoFn<String, String> {
    @ProcessElement
    public void process(ProcessContext c) {
      c.outputWithTimestamp(c.element(), c.timestamp().minus(Duration.standardSeconds(1)));
    }
  }

  private static final class Unrelated extends DoFn<String, String> {
    @ProcessElement
    public void process(ProcessContext c) {
      c.output(new TupleTag<String>("undeclared"), c.element());
    }
  }

  private static final class CountPerBundle extends DoFn<Integer, Integer> {
    private int count;

    @StartBundle
    public void start() {
      count = 0;
    }

    @ProcessElement
    public void process(@Element Integer element) {
      count++;
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      c.output(count, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }

  private static final class Remembering extends DoFn<KV<String, Integer>, Integer> {
    @StateId("last")
    private final StateSpec<ValueState<Integer>> last = StateSpecs.value();

    @ProcessElement
    public void process(
        @Element KV<String, Integer> element,
        @StateId("last") ValueState<Integer> last,
        OutputReceiver<Integer> out) {
      last.write(element.getValue());
      out.output(element.getValue());
    }
  }

  private static final class AsRows extends DoFn<String, String> {
    private static final Schema SCHEMA = Schema.builder().addStringField("s").build();

    @ProcessElement
    public void process(@Element String element, OutputReceiver<Row> out) {
      out.output(Row.withSchema(SCHEMA).addValue(element).build());
    }
  }
}
