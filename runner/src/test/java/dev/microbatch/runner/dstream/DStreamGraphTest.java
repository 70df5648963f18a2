package dev.microbatch.runner.dstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.executor.LocalTaskExecutor;
import dev.microbatch.runner.scheduler.BatchClock;
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.JobGenerator;
import dev.microbatch.runner.scheduler.JobScheduler;
import dev.microbatch.runner.scheduler.StreamingListener;
import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.Keyed;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.StateCodec;
import dev.microbatch.runner.state.Timetable;
import dev.microbatch.runner.state.Wake;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;
import org.junit.Test;

/** The engine runs a graph batch by batch: slices, stages, shuffles, watermarks, events. */
public class DStreamGraphTest {

  /** A word's count, as a checkpoint would hold it. */
  private static final StateCodec<long[]> COUNTS =
      new StateCodec<>() {
        @Override
        public void encode(long[] count, java.io.DataOutputStream out) throws java.io.IOException {
          out.writeLong(count[0]);
        }

        @Override
        public long[] decode(KeyBytes key, java.io.DataInputStream in) throws java.io.IOException {
          return new long[] {in.readLong()};
        }
      };

  /** An input that delivers one list of words per batch, then is exhausted. */
  private static final class WordsInput extends InputDStream<String> {
    private final List<List<String>> batches;
    private int next;

    WordsInput(List<List<String>> batches) {
      super("words");
      this.batches = batches;
    }

    @Override
    protected BatchResult<String> compute(BatchContext batch) {
      List<String> words = batches.get(next++);
      batch.addRecordsIn(name(), words.size());
      // Two partitions per batch, so the shuffle has real work to do.
      int half = words.size() / 2;
      List<Partition<String>> partitions =
          List.of(
              new ListPartition<>(words.subList(0, half)),
              new ListPartition<>(words.subList(half, words.size())));
      Instant watermark = isExhausted() ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(next);
      return BatchResult.of(partitions, watermark);
    }

    @Override
    protected boolean hasDeliveredEverything() {
      return next >= batches.size();
    }
  }

  /**
   * A keyed stage that counts words across batches in its state store and emits the counts once the
   * watermark reaches the end of time.
   */
  private static final class CountAtEnd implements StageFunction {
    private static final Timetable<long[]> AT_END_OF_TIME =
        count ->
            new Wake(
                Optional.of(BoundedWindow.TIMESTAMP_MAX_VALUE), Optional.empty(), Optional.empty());

    @Override
    public int numOutputs() {
      return 1;
    }

    @Override
    public StageTask createTask(TaskContext context) {
      return new StageTask() {

        @Override
        @SuppressWarnings("unchecked")
        public void process(Object element) {
          Keyed<String> keyed = (Keyed<String>) element;
          long[] count = context.stateStore(COUNTS).getOrCreate(keyed.key(), k -> new long[1]);
          count[0]++;
        }

        @Override
        public Instant advanceWatermark(Instant inputWatermark) throws Exception {
          KeyedStateStore<long[]> counts = context.stateStore(COUNTS);
          counts.schedule(AT_END_OF_TIME);
          for (KeyBytes key : counts.due(inputWatermark, inputWatermark)) {
            String word = new String(key.bytes(), StandardCharsets.UTF_8);
            context.emit(0, word + "=" + counts.get(key)[0]);
            counts.remove(key);
          }
          return inputWatermark;
        }

        @Override
        public boolean hasPendingWork() {
          return context.stateStore(COUNTS).size() > 0;
        }
      };
    }
  }

  /** Collects everything a stage output yields, batch after batch. */
  private static final class Collect implements StageFunction {
    static final List<Object> SEEN = Collections.synchronizedList(new ArrayList<>());

    @Override
    public int numOutputs() {
      return 0;
    }

    @Override
    public StageTask createTask(TaskContext context) {
      return new StageTask() {

        @Override
        public void process(Object element) {
          SEEN.add(element);
        }
      };
    }
  }

  /** A scheduler that runs {@code graph}'s batches back to back on two task threads. */
  private static JobScheduler backToBack(DStreamGraph graph) {
    return new JobScheduler(
        new PipelineRun(graph, new LocalTaskExecutor(2, "test")),
        JobGenerator.backToBack(BatchClock.system(), 100),
        false);
  }

  @Test
  public void countsKeysAcrossBatchesInPartitionStateAndFinishes() throws Exception {
    Collect.SEEN.clear();
    WordsInput input =
        new WordsInput(List.of(List.of("a", "b", "a", "c"), List.of("a", "c"), List.of("b", "b")));
    ShuffledDStream<String> shuffled =
        new ShuffledDStream<>(
            "shuffle", input, word -> new KeyBytes(word.getBytes(StandardCharsets.UTF_8)), 3);
    FusedStageDStream count = new FusedStageDStream("count", shuffled, List.of(), new CountAtEnd());
    StageOutputDStream<Object> counts = new StageOutputDStream<>("counts", count, 0);
    FusedStageDStream collect = new FusedStageDStream("collect", counts, List.of(), new Collect());
    DStreamGraph graph = DStreamGraph.of(List.of(collect), 100);

    List<BatchInfo> completed = Collections.synchronizedList(new ArrayList<>());
    JobScheduler scheduler = backToBack(graph);
    scheduler.addListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(BatchInfo batch) {
            completed.add(batch);
          }
        });
    scheduler.start("engine-spec");
    assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));

    assertEquals(JobScheduler.Status.DONE, scheduler.status());
    assertThat(Collect.SEEN, containsInAnyOrder("a=3", "b=3", "c=2"));
    assertEquals(3, completed.size());
    assertEquals(List.of(4L, 2L, 2L), completed.stream().map(BatchInfo::totalRecordsIn).toList());
    assertEquals(
        BoundedWindow.TIMESTAMP_MAX_VALUE, completed.get(2).outputWatermark().orElseThrow());
    assertTrue(completed.get(0).batchTime().compareTo(completed.get(1).batchTime()) < 0);
  }

  /**
   * A stage's output and a shuffle's blocks are let go of as their one reader takes them; a stage
   * output that two stages read is read into memory once, and each of them gets all of it.
   */
  @Test
  public void aStageOutputReadByTwoStagesReachesBoth() throws Exception {
    Collect.SEEN.clear();
    WordsInput input = new WordsInput(List.of(List.of("a", "b", "a"), List.of("b")));
    ShuffledDStream<String> shuffled =
        new ShuffledDStream<>(
            "shuffle", input, word -> new KeyBytes(word.getBytes(StandardCharsets.UTF_8)), 2);
    FusedStageDStream count = new FusedStageDStream("count", shuffled, List.of(), new CountAtEnd());
    StageOutputDStream<Object> counts = new StageOutputDStream<>("counts", count, 0);
    FusedStageDStream first = new FusedStageDStream("first", counts, List.of(), new Collect());
    FusedStageDStream second = new FusedStageDStream("second", counts, List.of(), new Collect());
    DStreamGraph graph = DStreamGraph.of(List.of(first, second), 100);

    JobScheduler scheduler = backToBack(graph);
    scheduler.start("two-readers");
    assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));

    assertEquals(JobScheduler.Status.DONE, scheduler.status());
    assertThat(Collect.SEEN, containsInAnyOrder("a=2", "b=2", "a=2", "b=2"));
  }

  /** Words as UTF-8, for shuffles and stage outputs that are held encoded. */
  private static final ElementsCodec<String> UTF8 = WordsCodec.INSTANCE;

  private static ShuffledDStream<String> encodingShuffle(DStream<String> parent, int partitions) {
    return new ShuffledDStream<>(
        "shuffle",
        parent,
        word -> new KeyBytes(word.getBytes(StandardCharsets.UTF_8)),
        partitions,
        Optional.of(UTF8));
  }

  /** A stage that hands every element on to its one output. */
  private static final class PassOn implements StageFunction {
    @Override
    public int numOutputs() {
      return 1;
    }

    @Override
    public StageTask createTask(TaskContext context) {
      return element -> context.emit(0, element);
    }
  }

  /** Records, per task, the elements it read and whether they came grouped by key. */
  private static final class RecordKeyedInput implements StageFunction {
    static final List<List<Object>> TASKS = Collections.synchronizedList(new ArrayList<>());
    static final List<Boolean> GROUPED = Collections.synchronizedList(new ArrayList<>());

    @Override
    public int numOutputs() {
      return 0;
    }

    @Override
    public StageTask createTask(TaskContext context) {
      List<Object> read = new ArrayList<>();
      TASKS.add(read);
      GROUPED.add(context.keyGroupedInputWatermark().isPresent());
      return element -> read.add(((Keyed<?>) element).element());
    }
  }

  /**
   * A stage output that an encoding shuffle alone reads is written by the stage's tasks straight
   * into the shuffle's blocks, and each reduce task gets its keys one after another, its watermark
   * known before it reads.
   */
  @Test
  public void aStageOutputOnlyAShuffleReadsIsWrittenAsItsBlocksAndReadKeyByKey()
      throws Exception {
    RecordKeyedInput.TASKS.clear();
    RecordKeyedInput.GROUPED.clear();
    WordsInput input =
        new WordsInput(List.of(List.of("a", "b", "a", "c", "b", "a", "d", "c"), List.of("b")));
    FusedStageDStream split = new FusedStageDStream("split", input, List.of(), new PassOn());
    StageOutputDStream<String> words = new StageOutputDStream<>("words", split, 0);
    ShuffledDStream<String> shuffled = encodingShuffle(words, 2);
    FusedStageDStream record =
        new FusedStageDStream("record", shuffled, List.of(), new RecordKeyedInput());
    DStreamGraph graph = DStreamGraph.of(List.of(record), 100);

    assertEquals(java.util.Map.of(0, shuffled), graph.encodedOutputsOf(split).shuffles());
    JobScheduler scheduler = backToBack(graph);
    scheduler.start("map-side-in-stage");
    assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));

    assertEquals(JobScheduler.Status.DONE, scheduler.status());
    assertEquals(List.of(true, true, true, true), RecordKeyedInput.GROUPED);
    List<Object> all = new ArrayList<>();
    for (List<Object> task : RecordKeyedInput.TASKS) {
      all.addAll(task);
      for (Object word : task) {
        int first = task.indexOf(word);
        int last = task.lastIndexOf(word);
        assertEquals(
            "a key's elements together in " + task,
            Collections.nCopies(last - first + 1, word),
            task.subList(first, last + 1));
      }
    }
    assertThat(all, containsInAnyOrder("a", "a", "a", "b", "b", "b", "c", "c", "d"));
  }

  /** A stage output that another stream reads too stays a list, whoever else reads it. */
  @Test
  public void aStageOutputThatAShuffleSharesStaysAList() {
    WordsInput input = new WordsInput(List.of(List.of("a")));
    FusedStageDStream split = new FusedStageDStream("split", input, List.of(), new PassOn());
    StageOutputDStream<String> words = new StageOutputDStream<>("words", split, 0);
    ShuffledDStream<String> shuffled = encodingShuffle(words, 2);
    FusedStageDStream record =
        new FusedStageDStream("record", shuffled, List.of(), new RecordKeyedInput());
    FusedStageDStream collect = new FusedStageDStream("collect", words, List.of(), new Collect());

    DStreamGraph graph = DStreamGraph.of(List.of(record, collect), 100);

    assertEquals(java.util.Map.of(), graph.encodedOutputsOf(split).shuffles());
  }

  /**
   * A stage output that later stages read is held as one encoded block per task until they run,
   * not as objects, and each of its readers gets all of it.
   */
  @Test
  public void aStageOutputThatLaterStagesReadIsHeldEncodedAndReachesEachReader() throws Exception {
    Collect.SEEN.clear();
    WordsInput input = new WordsInput(List.of(List.of("a", "b", "a"), List.of("c")));
    FusedStageDStream split = new FusedStageDStream("split", input, List.of(), new PassOn());
    StageOutputDStream<String> words = new StageOutputDStream<>("words", split, 0);
    FusedStageDStream first = new FusedStageDStream("first", words, List.of(), new Collect());
    FusedStageDStream second = new FusedStageDStream("second", words, List.of(), new Collect());
    DStreamGraph graph =
        DStreamGraph.of(
            List.of(first, second), 100, Optional.empty(), java.util.Map.of(words, UTF8));

    EncodedOutputs.HeldEncoded held = graph.encodedOutputsOf(split).blocks().get(0);
    assertEquals(2, held.readers());
    assertEquals(UTF8, held.coder());
    JobScheduler scheduler = backToBack(graph);
    scheduler.start("held-encoded");
    assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));

    assertEquals(JobScheduler.Status.DONE, scheduler.status());
    assertThat(Collect.SEEN, containsInAnyOrder("a", "b", "a", "c", "a", "b", "a", "c"));
  }

  /**
   * An output without a codec stays a list, as does one read through a union (which hands its
   * partitions on to readers of its own) or into a side input's list (objects anyway).
   */
  @Test
  public void aStageOutputWithoutACodecOrReadThroughAUnionOrIntoASideInputStaysAList() {
    WordsInput input = new WordsInput(List.of(List.of("a")));
    FusedStageDStream split = new FusedStageDStream("split", input, List.of(), new PassOn());
    StageOutputDStream<String> words = new StageOutputDStream<>("words", split, 0);
    FusedStageDStream collect = new FusedStageDStream("collect", words, List.of(), new Collect());
    SideInputDStream<String> view =
        new SideInputDStream<>("view", words, SideInputDStream.Retention.all(), UTF8);

    assertEquals(
        EncodedOutputs.NONE,
        DStreamGraph.of(List.of(collect), 100).encodedOutputsOf(split));
    assertEquals(
        EncodedOutputs.NONE,
        DStreamGraph.of(List.of(collect, view), 100, Optional.empty(), java.util.Map.of(words, UTF8))
            .encodedOutputsOf(split));
    UnionDStream<String> union = new UnionDStream<>("union", List.of(words));
    FusedStageDStream afterUnion =
        new FusedStageDStream("after-union", union, List.of(), new Collect());
    assertEquals(
        EncodedOutputs.NONE,
        DStreamGraph.of(
                List.of(collect, afterUnion), 100, Optional.empty(), java.util.Map.of(words, UTF8))
            .encodedOutputsOf(split));
  }

  /**
   * A key's partition is a fixed function of its encoded bytes, the same in every JVM and release:
   * checkpointed state is stored per partition, so a key moved by a change of the hash would find
   * its state gone after a restart. The values are pinned; changing them breaks checkpoints.
   */
  @Test
  public void aKeysPartitionIsPinnedSoCheckpointedStateIsFoundAgain() {
    assertEquals(2, partition("stable", 7));
    assertEquals(3, partition("stable", 4));
    assertEquals(1, partition("stable", 2));
    assertEquals(0, partition("", 7));
    assertEquals(2, partition("", 4));
    assertEquals(6, partition("key-0", 7));
    assertEquals(2, partition("key-0", 4));
    assertEquals(0, partition("key-1", 7));
    assertEquals(2, partition("key-23", 7));
    assertEquals(new KeyBytes(bytes("stable")), new KeyBytes(bytes("stable")));
  }

  private static int partition(String key, int partitions) {
    return new KeyBytes(bytes(key)).partition(partitions);
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
