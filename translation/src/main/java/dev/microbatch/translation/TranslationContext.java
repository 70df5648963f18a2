package dev.microbatch.translation;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.ElementsCodec;
import dev.microbatch.runner.scheduler.ManualBatchClock;
import dev.microbatch.translation.runtime.ElementConformer;
import dev.microbatch.translation.runtime.StepFactory;
import dev.microbatch.translation.runtime.WindowedValuesCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The state of one translation: which stream or fused step produces each PCollection, the
 * materialized side-input streams by view, and the stages built so far.
 *
 * <p>Fusion: an element-wise step joins the stage that produces its input, unless one of its side
 * inputs is computed from that very stage (which would make the stage wait for itself); then the
 * input is materialized and a new stage begins. Shuffles, unions and side inputs read stage outputs
 * as streams.
 */
public final class TranslationContext {

  private sealed interface Producer permits Materialized, StepOutput {}

  private record Materialized(StreamHandle handle) implements Producer {}

  private record StepOutput(StageBuilder stage, int step, TupleTag<?> tag) implements Producer {}

  private final MicroBatchPipelineOptions options;
  private final SerializablePipelineOptions serializableOptions;
  private final Map<PCollection<?>, Producer> producers = new IdentityHashMap<>();
  private final Map<PCollection<?>, StreamHandle> materializedOutputs = new IdentityHashMap<>();
  private final Map<String, StreamHandle> views = new HashMap<>();
  private final List<StageBuilder> stages = new ArrayList<>();
  private final List<StreamHandle> streams = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Map<StreamHandle, ElementsCodec<?>> codecs = new IdentityHashMap<>();
  private ManualBatchClock manualClock;

  TranslationContext(MicroBatchPipelineOptions options) {
    this.options = options;
    this.serializableOptions = new SerializablePipelineOptions(options);
  }

  public MicroBatchPipelineOptions options() {
    return options;
  }

  public SerializablePipelineOptions serializableOptions() {
    return serializableOptions;
  }

  /**
   * The virtual clock of this pipeline, created on first use (by a TestStream). It starts at the
   * real time, so processing timestamps look as they would in a real run.
   */
  public ManualBatchClock manualClock() {
    if (manualClock == null) {
      manualClock = new ManualBatchClock(System.currentTimeMillis());
    }
    return manualClock;
  }

  /** Registers a stream (an input, a union, ...) that produces {@code output}. */
  public void setStream(
      PCollection<?> output, Supplier<DStream<?>> build, List<PCollection<?>> inputs) {
    List<StreamHandle> parents = new ArrayList<>();
    for (PCollection<?> input : inputs) {
      parents.add(streamOf(input));
    }
    StreamHandle handle = StreamHandle.of(build, parents);
    streams.add(handle);
    describeElements(handle, output);
    producers.put(output, new Materialized(handle));
  }

  /** The stream of {@code collection}, materializing it as a stage output if it is fused. */
  @SuppressWarnings("unchecked")
  public <T> Supplier<DStream<T>> dstreamOf(PCollection<?> collection) {
    StreamHandle handle = streamOf(collection);
    return () -> (DStream<T>) handle.get();
  }

  StreamHandle streamOf(PCollection<?> collection) {
    Producer producer = producers.get(collection);
    if (producer == null) {
      throw new IllegalStateException("No producer translated yet for " + collection);
    }
    if (producer instanceof Materialized materialized) {
      return materialized.handle();
    }
    StepOutput out = (StepOutput) producer;
    return materializedOutputs.computeIfAbsent(
        collection,
        c -> describeElements(out.stage().output(out.step(), out.tag(), c.getName()), c));
  }

  /**
   * Records that {@code handle}'s elements are {@code collection}'s windowed values, so that a
   * cluster backend can encode them where they leave the JVM. A collection without a coder leaves
   * its stream without one (it then stays on the JVM that computes it).
   */
  private StreamHandle describeElements(StreamHandle handle, PCollection<?> collection) {
    codecOf(collection).ifPresent(codec -> codecs.put(handle, codec));
    return handle;
  }

  /** The codec of {@code collection}'s windowed values; empty when it has no coder. */
  public Optional<WindowedValuesCodec> codecOf(PCollection<?> collection) {
    try {
      return Optional.of(
          new WindowedValuesCodec(
              collection.getCoder(),
              collection.getWindowingStrategy().getWindowFn().windowCoder()));
    } catch (IllegalStateException noCoder) {
      // PCollection.getCoder throws when no coder could be inferred; nothing to encode with.
      return Optional.empty();
    }
  }

  /** Closes {@code resource} (a sink's producer) when the run ends. */
  public void closeAtEnd(AutoCloseable resource) {
    resources.add(resource);
  }

  /** Registers the side-input stream of {@code view}, materialized from {@code input}. */
  public void setView(PCollectionView<?> view, Supplier<DStream<?>> build, PCollection<?> input) {
    StreamHandle handle = StreamHandle.of(build, List.of(streamOf(input)));
    streams.add(handle);
    describeElements(handle, input);
    views.put(view.getTagInternal().getId(), handle);
  }

  /**
   * Adds an element-wise step that reads {@code input} and produces {@code outputs}, fused into the
   * stage that produces {@code input} where possible.
   */
  public void addFusedStep(
      String name,
      PCollection<?> input,
      StepFactory factory,
      Map<TupleTag<?>, PCollection<?>> outputs,
      List<PCollectionView<?>> sideInputs) {
    Map<String, StreamHandle> sides = sideInputHandles(name, sideInputs);
    Producer producer = producers.get(input);
    StageBuilder stage;
    int step;
    if (producer instanceof StepOutput out
        && sides.values().stream().noneMatch(out.stage()::dependsOnThis)) {
      stage = out.stage();
      step = stage.addStep(name, factory, out.step(), out.tag(), sides, conformers(outputs));
    } else {
      stage = newStage(name, streamOf(input));
      step = stage.addStep(name, factory, -1, null, sides, conformers(outputs));
    }
    registerOutputs(stage, step, outputs);
  }

  /**
   * Adds a step with no outputs that starts a stage of its own on the driver, reading {@code
   * input} (a sink whose transaction commits with the batch, on a cluster backend).
   */
  public void addDriverStage(String name, PCollection<?> input, StepFactory factory) {
    StageBuilder stage = newStage(name, streamOf(input));
    stage.placeOnDriver();
    stage.addStep(name, factory, -1, null, Map.of(), Map.of());
  }

  /** Adds a step that starts a new stage reading {@code input} (the reduce side of a shuffle). */
  public void addStageOn(
      String name,
      Supplier<DStream<?>> input,
      List<PCollection<?>> inputParents,
      StepFactory factory,
      Map<TupleTag<?>, PCollection<?>> outputs,
      List<PCollectionView<?>> sideInputs) {
    Map<String, StreamHandle> sides = sideInputHandles(name, sideInputs);
    List<StreamHandle> parents = new ArrayList<>();
    for (PCollection<?> parent : inputParents) {
      parents.add(streamOf(parent));
    }
    StreamHandle handle = StreamHandle.of(input, parents);
    streams.add(handle);
    StageBuilder stage = newStage(name, handle);
    int step = stage.addStep(name, factory, -1, null, sides, conformers(outputs));
    registerOutputs(stage, step, outputs);
  }

  /**
   * For each output whose coder declares a schema, what makes its elements carry that schema: steps
   * hand each other objects, not bytes through the coder (see {@link ElementConformer}).
   */
  private static Map<TupleTag<?>, ElementConformer> conformers(
      Map<TupleTag<?>, PCollection<?>> outputs) {
    Map<TupleTag<?>, ElementConformer> conformers = new HashMap<>();
    outputs.forEach(
        (tag, collection) ->
            ElementConformer.forCoder(collection.getCoder(), collection.getName())
                .ifPresent(conformer -> conformers.put(tag, conformer)));
    return conformers;
  }

  private StageBuilder newStage(String name, StreamHandle input) {
    StageBuilder stage = new StageBuilder(name, input);
    stages.add(stage);
    return stage;
  }

  private void registerOutputs(
      StageBuilder stage, int step, Map<TupleTag<?>, PCollection<?>> outputs) {
    outputs.forEach(
        (tag, collection) -> producers.put(collection, new StepOutput(stage, step, tag)));
  }

  private Map<String, StreamHandle> sideInputHandles(String name, List<PCollectionView<?>> views) {
    Map<String, StreamHandle> handles = new LinkedHashMap<>();
    for (PCollectionView<?> view : views) {
      String tagId = view.getTagInternal().getId();
      StreamHandle handle = this.views.get(tagId);
      if (handle == null) {
        throw new IllegalStateException(
            "Side input " + view + " of " + name + " was not materialized before its use");
      }
      handles.put(tagId, handle);
    }
    return handles;
  }

  /** Builds every stream and stage and returns the graph. */
  DStreamGraph buildGraph() {
    List<DStream<?>> all = new ArrayList<>();
    for (StreamHandle handle : streams) {
      all.add(handle.get());
    }
    for (StageBuilder stage : stages) {
      all.add(stage.build());
    }
    for (StreamHandle handle : materializedOutputs.values()) {
      all.add(handle.get());
    }
    Map<DStream<?>, ElementsCodec<?>> streamCodecs = new IdentityHashMap<>();
    codecs.forEach((handle, codec) -> streamCodecs.put(handle.get(), codec));
    DStreamGraph graph =
        DStreamGraph.of(
            all,
            options.getBatchIntervalMillis(),
            java.util.Optional.ofNullable(manualClock),
            streamCodecs);
    resources.forEach(graph::closeAtEnd);
    return graph;
  }
}
