package dev.microbatch.translation;

import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.FusedStageDStream;
import dev.microbatch.runner.dstream.StageOutputDStream;
import dev.microbatch.translation.runtime.ElementConformer;
import dev.microbatch.translation.runtime.FusedStageFunction;
import dev.microbatch.translation.runtime.StepFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.TupleTag;

/** Collects the steps fused into one stage while the pipeline is traversed. */
final class StageBuilder {

  private final String name;
  private final StreamHandle mainInput;
  private final List<StreamHandle> sideInputs = new ArrayList<>();
  private final Map<String, Integer> sideInputIndex = new HashMap<>();
  private final List<MutableStep> steps = new ArrayList<>();
  private int numOutputs;
  private FusedStageDStream built;
  private FusedStageDStream.Placement placement = FusedStageDStream.Placement.ANYWHERE;

  private static final class MutableStep {
    final String name;
    final StepFactory factory;
    final int producer;
    final Map<TupleTag<?>, List<Integer>> consumers = new LinkedHashMap<>();
    final Map<TupleTag<?>, Integer> stageOutputs = new LinkedHashMap<>();
    final Map<String, Integer> sideInputs = new HashMap<>();
    final Map<TupleTag<?>, ElementConformer> conformers;

    MutableStep(
        String name,
        StepFactory factory,
        int producer,
        Map<TupleTag<?>, ElementConformer> conformers) {
      this.name = name;
      this.factory = factory;
      this.producer = producer;
      this.conformers = conformers;
    }
  }

  StageBuilder(String name, StreamHandle mainInput) {
    this.name = name;
    this.mainInput = mainInput;
  }

  /** The streams this stage reads: its main input and its side inputs. */
  List<StreamHandle> inputs() {
    List<StreamHandle> all = new ArrayList<>();
    all.add(mainInput);
    all.addAll(sideInputs);
    return all;
  }

  String name() {
    return name;
  }

  /** Pins the stage's tasks to the driver (see {@link FusedStageDStream.Placement}). */
  void placeOnDriver() {
    placement = FusedStageDStream.Placement.DRIVER;
  }

  /** True if reading {@code side} from this stage would make the stage depend on itself. */
  boolean dependsOnThis(StreamHandle side) {
    return side.upstreamStages().contains(this);
  }

  /**
   * Adds a step reading the output {@code producerTag} of step {@code producer} (or the stage input
   * when {@code producer} is -1); returns the new step's index. {@code conformers} make the
   * elements of the step's outputs what their coders declare.
   */
  int addStep(
      String stepName,
      StepFactory factory,
      int producer,
      TupleTag<?> producerTag,
      Map<String, StreamHandle> sideInputsByTagId,
      Map<TupleTag<?>, ElementConformer> conformers) {
    if (built != null) {
      throw new IllegalStateException("Stage " + name + " is already built");
    }
    MutableStep step = new MutableStep(stepName, factory, producer, Map.copyOf(conformers));
    sideInputsByTagId.forEach(
        (tagId, handle) -> {
          Integer index =
              sideInputIndex.computeIfAbsent(
                  tagId,
                  id -> {
                    sideInputs.add(handle);
                    return sideInputs.size() - 1;
                  });
          step.sideInputs.put(tagId, index);
        });
    steps.add(step);
    int index = steps.size() - 1;
    if (producer >= 0) {
      steps.get(producer).consumers.computeIfAbsent(producerTag, t -> new ArrayList<>()).add(index);
    }
    return index;
  }

  /** The output {@code tag} of step {@code step} as a stream leaving this stage. */
  StreamHandle output(int step, TupleTag<?> tag, String outputName) {
    MutableStep producer = steps.get(step);
    int index = producer.stageOutputs.computeIfAbsent(tag, t -> numOutputs++);
    return StreamHandle.ofStage(() -> new StageOutputDStream<>(outputName, build(), index), this);
  }

  /** A handle on the stage itself, so that a stage whose outputs nobody reads still runs. */
  StreamHandle asSink() {
    return StreamHandle.ofStage(this::build, this);
  }

  FusedStageDStream build() {
    if (built == null) {
      List<FusedStageFunction.StepSpec> specs = new ArrayList<>();
      for (MutableStep step : steps) {
        specs.add(
            new FusedStageFunction.StepSpec(
                step.name,
                step.factory,
                step.producer,
                Map.copyOf(step.consumers),
                Map.copyOf(step.stageOutputs),
                Map.copyOf(step.sideInputs),
                step.conformers));
      }
      List<DStream<?>> sides = new ArrayList<>();
      for (StreamHandle side : sideInputs) {
        sides.add(side.get());
      }
      built =
          new FusedStageDStream(
              name, mainInput.get(), sides, new FusedStageFunction(specs, numOutputs), placement);
    }
    return built;
  }
}
