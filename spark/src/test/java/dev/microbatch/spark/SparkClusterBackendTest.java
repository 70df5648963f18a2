package dev.microbatch.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.spark.SparkEnv;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * The Spark backend on a real standalone cluster (a Master and two Workers, each a JVM of its own
 * on 127.0.0.1): stage tasks run in the executors' JVMs, and keyed state lives there across
 * batches.
 */
public class SparkClusterBackendTest {

  private static Pipeline pipeline(String... more) {
    List<String> args = new ArrayList<>();
    args.add("--runner=MicroBatchRunner");
    args.add("--clusterMaster=" + LoopbackSparkCluster.master());
    // One Spark context for the whole class: each run would otherwise wait for new executors.
    args.add("--reuseSparkContext=true");
    args.add("--parallelism=4");
    args.addAll(List.of(more));
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
            .as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    return Pipeline.create(options);
  }

  /** Tags each element with the executor its stage task ran on. */
  private static final class TagWithExecutor extends DoFn<Integer, KV<String, Integer>> {
    @ProcessElement
    public void process(@Element Integer element, OutputReceiver<KV<String, Integer>> out) {
      out.output(KV.of(SparkEnv.get().executorId(), element));
    }
  }

  @Test
  public void stageTasksRunInTheExecutorsOfBothWorkers() {
    Pipeline pipeline = pipeline();
    List<Integer> numbers = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      numbers.add(i);
    }
    PCollection<KV<String, Long>> perExecutor =
        pipeline
            .apply(Create.of(numbers))
            .apply(ParDo.of(new TagWithExecutor()))
            .apply(Count.perKey());
    PAssert.that(perExecutor)
        .satisfies(
            counts -> {
              Set<String> executors = new HashSet<>();
              long total = 0;
              for (KV<String, Long> count : counts) {
                executors.add(count.getKey());
                total += count.getValue();
              }
              assertEquals(1000L, total);
              assertFalse("a task ran in the driver: " + executors, executors.contains("driver"));
              assertEquals("executors " + executors, 2, executors.size());
              return null;
            });
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());
  }

  @Test
  public void countsWordsThroughASparkShuffle() {
    Pipeline pipeline = pipeline();
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      words.add("w" + (i % 7));
    }
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(Create.of(words))
            .apply(MapElements.into(TypeDescriptors.strings()).via(w -> w.toUpperCase()))
            .apply(Count.perElement());
    List<KV<String, Long>> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      expected.add(KV.of("W" + i, i < 1000 % 7 ? 143L : 142L));
    }
    PAssert.that(counts).containsInAnyOrder(expected);
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());
  }

  /**
   * The numbers {@code [from, to)}, split into ranges of {@code splitSize}; each element names the
   * executor that read it.
   */
  private static final class ExecutorNamingSource extends BoundedSource<KV<String, Integer>> {
    private final int from;
    private final int to;
    private final int splitSize;

    ExecutorNamingSource(int from, int to, int splitSize) {
      this.from = from;
      this.to = to;
      this.splitSize = splitSize;
    }

    @Override
    public List<ExecutorNamingSource> split(long desiredBundleSizeBytes, PipelineOptions options) {
      List<ExecutorNamingSource> splits = new ArrayList<>();
      for (int start = from; start < to; start += splitSize) {
        splits.add(new ExecutorNamingSource(start, Math.min(to, start + splitSize), splitSize));
      }
      return splits;
    }

    @Override
    public long getEstimatedSizeBytes(PipelineOptions options) {
      return 4L * (to - from);
    }

    @Override
    public Coder<KV<String, Integer>> getOutputCoder() {
      return KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
    }

    @Override
    public BoundedReader<KV<String, Integer>> createReader(PipelineOptions options) {
      ExecutorNamingSource source = this;
      String executor = SparkEnv.get().executorId();
      return new BoundedReader<>() {
        private int next = from - 1;

        @Override
        public boolean start() {
          return advance();
        }

        @Override
        public boolean advance() {
          next++;
          return next < to;
        }

        @Override
        public KV<String, Integer> getCurrent() {
          return KV.of(executor, next);
        }

        @Override
        public void close() {}

        @Override
        public BoundedSource<KV<String, Integer>> getCurrentSource() {
          return source;
        }
      };
    }
  }

  @Test
  public void boundedSourceSplitsAreReadInTheExecutorsThatConsumeThem() {
    Pipeline pipeline = pipeline();
    PCollection<KV<String, Long>> perReader =
        pipeline.apply(Read.from(new ExecutorNamingSource(0, 1000, 100))).apply(Count.perKey());
    PAssert.that(perReader)
        .satisfies(
            counts -> {
              long total = 0;
              Set<String> readers = new HashSet<>();
              for (KV<String, Long> count : counts) {
                readers.add(count.getKey());
                total += count.getValue();
              }
              assertEquals(1000L, total);
              assertFalse("a split was read on the driver: " + readers, readers.contains("driver"));
              return null;
            });
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());
  }

  /** Sends each element to one of two outputs at random, as Beam's hot-key fanout does. */
  private static final class SplitAtRandom extends DoFn<Integer, Integer> {
    static final TupleTag<Integer> HEADS = new TupleTag<>() {};
    static final TupleTag<Integer> TAILS = new TupleTag<>() {};

    @ProcessElement
    public void process(@Element Integer element, MultiOutputReceiver out) {
      out.get(java.util.concurrent.ThreadLocalRandom.current().nextBoolean() ? HEADS : TAILS)
          .output(element);
    }
  }

  @Test
  public void aStageWithTwoOutputsIsComputedOnceForBoth() {
    Pipeline pipeline = pipeline();
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      numbers.add(i);
    }
    PCollectionTuple split =
        pipeline
            .apply(Create.of(numbers))
            .apply(
                ParDo.of(new SplitAtRandom())
                    .withOutputTags(SplitAtRandom.HEADS, TupleTagList.of(SplitAtRandom.TAILS)));
    // Each output through a shuffle of its own, then together again: a recomputed stage would
    // split differently for each, and lose or double elements.
    PCollection<Integer> heads =
        split.get(SplitAtRandom.HEADS).apply("ReshuffleHeads", Reshuffle.viaRandomKey());
    PCollection<Integer> tails =
        split.get(SplitAtRandom.TAILS).apply("ReshuffleTails", Reshuffle.viaRandomKey());
    PAssert.that(PCollectionList.of(heads).and(tails).apply(Flatten.pCollections()))
        .containsInAnyOrder(numbers);
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());
  }

  /** Counts each key's elements in a value state: its output is the running count. */
  private static final class RunningCount extends DoFn<KV<String, Integer>, KV<String, Integer>> {
    @StateId("count")
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(
        @Element KV<String, Integer> element,
        @StateId("count") ValueState<Integer> count,
        OutputReceiver<KV<String, Integer>> out) {
      Integer before = count.read();
      int now = (before == null ? 0 : before) + 1;
      count.write(now);
      out.output(KV.of(element.getKey(), now));
    }
  }

  @Test
  public void keyedStateLivesOnExecutorsAcrossBatches() {
    int keys = 20;
    int batches = 4;
    TestStream.Builder<KV<String, Integer>> events =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    Instant start = new Instant(0);
    for (int batch = 0; batch < batches; batch++) {
      List<TimestampedValue<KV<String, Integer>>> elements = new ArrayList<>();
      for (int key = 0; key < keys; key++) {
        elements.add(
            TimestampedValue.of(KV.of("k" + key, batch), start.plus(Duration.millis(batch))));
      }
      @SuppressWarnings("unchecked")
      TimestampedValue<KV<String, Integer>>[] rest =
          elements.subList(1, elements.size()).toArray(new TimestampedValue[0]);
      events =
          events.addElements(elements.get(0), rest).advanceProcessingTime(Duration.standardSeconds(1));
    }
    Pipeline pipeline = pipeline();
    PCollection<KV<String, Integer>> highest =
        pipeline
            .apply(events.advanceWatermarkToInfinity())
            .apply(ParDo.of(new RunningCount()))
            .apply(Window.into(FixedWindows.of(Duration.standardHours(1))))
            .apply(Max.integersPerKey());
    PAssert.that(highest)
        .satisfies(
            counts -> {
              Map<String, Integer> byKey = new java.util.HashMap<>();
              counts.forEach(kv -> byKey.put(kv.getKey(), kv.getValue()));
              assertEquals(keys, byKey.size());
              for (Map.Entry<String, Integer> key : byKey.entrySet()) {
                assertEquals("running count of " + key.getKey(), batches, (int) key.getValue());
              }
              return null;
            });
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());
  }
}
