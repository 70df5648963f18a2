package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.ManualBatchClock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The graph of one pipeline: its inputs, its outputs (the streams with no consumers, whose
 * computation is the batch's job) and the batch interval. It runs one batch at a time.
 */
public final class DStreamGraph {

  private final List<InputDStream<?>> inputs;
  private final List<DStream<?>> outputs;
  private final List<DStream<?>> streams;
  private final Map<String, DStream<?>> streamsById;
  private final long batchIntervalMillis;
  private final Map<DStream<?>, Integer> consumerCounts;
  private final Optional<ManualBatchClock> manualClock;
  private final Map<DStream<?>, ElementsCodec<?>> codecs;
  private final Map<FusedStageDStream, EncodedOutputs> encodedOutputs;
  private final List<AutoCloseable> resources = new java.util.concurrent.CopyOnWriteArrayList<>();

  private DStreamGraph(
      List<DStream<?>> streams,
      long batchIntervalMillis,
      Optional<ManualBatchClock> manualClock,
      Map<DStream<?>, ElementsCodec<?>> codecs) {
    this.batchIntervalMillis = batchIntervalMillis;
    this.manualClock = manualClock;
    this.codecs = new IdentityHashMap<>(codecs);
    Set<DStream<?>> all = reachable(streams);
    Map<DStream<?>, Integer> consumers = new IdentityHashMap<>();
    for (DStream<?> stream : all) {
      for (DStream<?> dependency : stream.dependencies()) {
        consumers.merge(dependency, 1, Integer::sum);
      }
    }
    List<InputDStream<?>> in = new ArrayList<>();
    List<DStream<?>> out = new ArrayList<>();
    for (DStream<?> stream : all) {
      if (stream instanceof InputDStream<?> input) {
        in.add(input);
      }
      if (!consumers.containsKey(stream)) {
        out.add(stream);
      }
    }
    this.streams = List.copyOf(all);
    this.streamsById = byId(this.streams);
    this.inputs = List.copyOf(in);
    this.outputs = List.copyOf(out);
    this.consumerCounts = java.util.Collections.unmodifiableMap(consumers);
    this.encodedOutputs = encodedOutputs(all, consumers, this.codecs);
  }

  /** See {@link #encodedOutputsOf}. */
  @SuppressWarnings("unchecked")
  private static Map<FusedStageDStream, EncodedOutputs> encodedOutputs(
      Set<DStream<?>> all,
      Map<DStream<?>, Integer> consumers,
      Map<DStream<?>, ElementsCodec<?>> codecs) {
    Map<FusedStageDStream, Map<Integer, ShuffledDStream<Object>>> shuffles =
        shuffleWriters(all, consumers);
    // Read by a stream that reads each partition once per batch and keeps no list of it: a stage
    // (one task per partition) or a shuffle (one map task per partition). A union hands partitions
    // on to readers of its own; a side input holds its elements as objects anyway.
    Set<DStream<?>> readOtherwise = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (DStream<?> stream : all) {
      if (!(stream instanceof FusedStageDStream) && !(stream instanceof ShuffledDStream<?>)) {
        readOtherwise.addAll(stream.dependencies());
      }
    }
    Map<FusedStageDStream, Map<Integer, EncodedOutputs.HeldEncoded>> blocks =
        new IdentityHashMap<>();
    for (DStream<?> stream : all) {
      if (stream instanceof StageOutputDStream<?> output
          && consumers.containsKey(output)
          && codecs.containsKey(output)
          && !readOtherwise.contains(output)
          && !shuffles.getOrDefault(output.stage(), Map.of()).containsKey(output.output())) {
        blocks
            .computeIfAbsent(output.stage(), s -> new java.util.HashMap<>())
            .put(
                output.output(),
                new EncodedOutputs.HeldEncoded(
                    (ElementsCodec<Object>) codecs.get(output), consumers.get(output)));
      }
    }
    Map<FusedStageDStream, EncodedOutputs> encoded = new IdentityHashMap<>();
    Set<FusedStageDStream> stages = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    stages.addAll(shuffles.keySet());
    stages.addAll(blocks.keySet());
    for (FusedStageDStream stage : stages) {
      encoded.put(
          stage,
          new EncodedOutputs(
              shuffles.getOrDefault(stage, Map.of()), blocks.getOrDefault(stage, Map.of())));
    }
    return encoded;
  }

  /** See {@link #shufflesWrittenBy}. */
  @SuppressWarnings("unchecked")
  private static Map<FusedStageDStream, Map<Integer, ShuffledDStream<Object>>> shuffleWriters(
      Set<DStream<?>> all, Map<DStream<?>, Integer> consumers) {
    Map<FusedStageDStream, Map<Integer, ShuffledDStream<Object>>> writers = new IdentityHashMap<>();
    for (DStream<?> stream : all) {
      if (!(stream instanceof ShuffledDStream<?> shuffle) || !shuffle.encodes()) {
        continue;
      }
      DStream<?> parent = shuffle.parent();
      List<? extends DStream<?>> sources =
          parent instanceof UnionDStream<?> union && consumers.get(union) == 1
              ? union.parents()
              : List.of(parent);
      for (DStream<?> source : sources) {
        if (source instanceof StageOutputDStream<?> output && consumers.get(output) == 1) {
          writers
              .computeIfAbsent(output.stage(), s -> new java.util.HashMap<>())
              .put(output.output(), (ShuffledDStream<Object>) shuffle);
        }
      }
    }
    return writers;
  }

  /** A graph of every stream reachable from {@code streams} through their dependencies. */
  public static DStreamGraph of(List<DStream<?>> streams, long batchIntervalMillis) {
    return new DStreamGraph(streams, batchIntervalMillis, Optional.empty(), Map.of());
  }

  /**
   * A graph whose batches follow {@code clock} if given, and whose streams' elements can be encoded
   * with {@code codecs} (by stream) where they leave the JVM on a cluster backend.
   */
  public static DStreamGraph of(
      List<DStream<?>> streams,
      long batchIntervalMillis,
      Optional<ManualBatchClock> clock,
      Map<DStream<?>, ElementsCodec<?>> codecs) {
    return new DStreamGraph(streams, batchIntervalMillis, clock, codecs);
  }

  /** A graph whose batches follow {@code clock}, which one of its inputs (TestStream) drives. */
  public static DStreamGraph withManualClock(
      List<DStream<?>> streams, long batchIntervalMillis, ManualBatchClock clock) {
    return new DStreamGraph(streams, batchIntervalMillis, Optional.of(clock), Map.of());
  }

  private static Set<DStream<?>> reachable(List<DStream<?>> roots) {
    Set<DStream<?>> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    Set<DStream<?>> ordered = new LinkedHashSet<>();
    List<DStream<?>> stack = new ArrayList<>(roots);
    while (!stack.isEmpty()) {
      DStream<?> stream = stack.remove(stack.size() - 1);
      if (seen.add(stream)) {
        ordered.add(stream);
        stack.addAll(stream.dependencies());
      }
    }
    return ordered;
  }

  public List<InputDStream<?>> inputs() {
    return inputs;
  }

  public List<DStream<?>> outputs() {
    return outputs;
  }

  /**
   * How {@code stream}'s elements are encoded when they leave the JVM; empty when the translation
   * gave no codec (the stream then cannot cross to a cluster's executors).
   */
  @SuppressWarnings("unchecked")
  public <T> Optional<ElementsCodec<T>> codecOf(DStream<T> stream) {
    return Optional.ofNullable((ElementsCodec<T>) codecs.get(stream));
  }

  /**
   * The outputs of {@code stage} its tasks may hold encoded, so that a batch's data between stages
   * is bytes rather than objects: an output that one encoding shuffle alone reads (directly, or
   * through a union that only it reads and that lists the output once) is written straight into
   * that shuffle's blocks; an output with a codec that only later stages and shuffles read is
   * written as one encoded block per task.
   */
  public EncodedOutputs encodedOutputsOf(FusedStageDStream stage) {
    return encodedOutputs.getOrDefault(stage, EncodedOutputs.NONE);
  }

  /** How many streams read each stream (a result read by several is materialized once). */
  public Map<DStream<?>, Integer> consumerCounts() {
    return consumerCounts;
  }

  public long batchIntervalMillis() {
    return batchIntervalMillis;
  }

  /** The virtual clock an input drives, if any; batches then run in virtual time. */
  public Optional<ManualBatchClock> manualClock() {
    return manualClock;
  }

  /**
   * Something the run holds open outside its streams (a sink's producer shared by the stage tasks
   * that write to it), closed with the streams at the end of the run.
   */
  public void closeAtEnd(AutoCloseable resource) {
    resources.add(resource);
  }

  /**
   * Closes every stream and resource at the end of a run; one that fails to close does not stop the
   * rest.
   */
  public void close() {
    List<AutoCloseable> all = new ArrayList<>();
    for (DStream<?> stream : streams) {
      all.add(stream::close);
    }
    all.addAll(resources);
    for (AutoCloseable closeable : all) {
      try {
        closeable.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(DStreamGraph.class)
            .warn("Closing a stream or resource at the end of the run failed", e);
      }
    }
  }

  /** Stops every input: the graph then drains (see {@link InputDStream#stop()}). */
  public void stopInputs() {
    inputs.forEach(InputDStream::stop);
  }

  /** True when every input has delivered all it ever will (pending timers may remain). */
  public boolean inputsExhausted() {
    for (InputDStream<?> input : inputs) {
      if (!input.isExhausted()) {
        return false;
      }
    }
    return true;
  }

  /** Every stream by its stable {@link DStream#id() id}, in traversal order. */
  public Map<String, DStream<?>> streamsById() {
    return streamsById;
  }

  /**
   * Ids must be unique, or a checkpoint would give one stream's state to another: two streams with
   * one id are a translation error, reported with both.
   */
  private static Map<String, DStream<?>> byId(List<DStream<?>> streams) {
    Map<String, DStream<?>> byId = new java.util.LinkedHashMap<>();
    for (DStream<?> stream : streams) {
      DStream<?> clash = byId.putIfAbsent(stream.id(), stream);
      if (clash != null) {
        throw new IllegalStateException(
            "Two streams of the graph have the id " + stream.id() + ": " + clash + " and " + stream);
      }
    }
    return java.util.Collections.unmodifiableMap(byId);
  }
}
