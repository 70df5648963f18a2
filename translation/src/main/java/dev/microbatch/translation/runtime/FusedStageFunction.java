package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.Partition;
import dev.microbatch.runner.dstream.SideInput;
import dev.microbatch.runner.dstream.StageFunction;
import dev.microbatch.runner.dstream.StageTask;
import dev.microbatch.runner.dstream.TaskContext;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * The steps of one fused stage and how they are wired: which steps read the stage input, which
 * steps consume which output of which step, which outputs leave the stage, and which stage side
 * input each step reads. Steps are listed in topological order.
 */
public final class FusedStageFunction implements StageFunction {

  /**
   * One step and its wiring.
   *
   * @param name the Beam transform's full name (also its metrics step name)
   * @param factory creates the step per task
   * @param producer index of the step whose output this one reads; -1 for the stage input
   * @param consumers for each output tag, the indices of the steps fused after it
   * @param stageOutputs for each output tag that leaves the stage, its stage output index
   * @param sideInputs for each side input view tag id, the stage's side input index
   * @param conformers for each output tag whose coder declares a schema, what makes its elements
   *     carry it before any consumer sees them
   */
  public record StepSpec(
      String name,
      StepFactory factory,
      int producer,
      Map<TupleTag<?>, List<Integer>> consumers,
      Map<TupleTag<?>, Integer> stageOutputs,
      Map<String, Integer> sideInputs,
      Map<TupleTag<?>, ElementConformer> conformers)
      implements java.io.Serializable {}

  private final List<StepSpec> steps;
  private final int numOutputs;

  public FusedStageFunction(List<StepSpec> steps, int numOutputs) {
    this.steps = List.copyOf(steps);
    this.numOutputs = numOutputs;
  }

  @Override
  public int numOutputs() {
    return numOutputs;
  }

  @Override
  public StageTask createTask(TaskContext context) throws Exception {
    return new Task(context);
  }

  /**
   * The stage's steps for one task. Each call into it makes its {@link MetricsRouter} the current
   * metrics container for as long as it runs, so that entering a step only retargets the router.
   */
  private final class Task implements StageTask {
    private final Step[] instances = new Step[steps.size()];
    private final List<Step> inputConsumers = new ArrayList<>();
    private final MetricsRouter metricsRouter = new MetricsRouter();

    Task(TaskContext context) throws Exception {
      try (Closeable routed = metricsRouter.install()) {
        createSteps(context);
      }
    }

    private void createSteps(TaskContext context) throws Exception {
      for (int i = 0; i < steps.size(); i++) {
        StepSpec spec = steps.get(i);
        Map<TupleTag<?>, Receiver> receivers = new HashMap<>();
        for (Map.Entry<TupleTag<?>, List<Integer>> e : spec.consumers().entrySet()) {
          receivers.put(
              e.getKey(), receiverFor(e.getValue(), spec.stageOutputs().get(e.getKey()), context));
        }
        for (Map.Entry<TupleTag<?>, Integer> e : spec.stageOutputs().entrySet()) {
          receivers.computeIfAbsent(
              e.getKey(), tag -> receiverFor(List.of(), e.getValue(), context));
        }
        spec.conformers()
            .forEach(
                (tag, conformer) ->
                    receivers.computeIfPresent(tag, (t, target) -> conforming(conformer, target)));
        Map<String, SideInput> sides = new HashMap<>();
        spec.sideInputs()
            .forEach((tagId, index) -> sides.put(tagId, context.sideInputs().get(index)));
        try {
          instances[i] =
              spec.factory()
                  .create(new StepEnvironment(
                          context, receivers, sides, metricsRouter, spec.producer() < 0));
        } catch (Exception e) {
          closeCreated();
          throw e;
        }
        if (spec.producer() < 0) {
          inputConsumers.add(instances[i]);
        }
      }
    }

    private Receiver receiverFor(
        List<Integer> consumers, Integer stageOutput, TaskContext context) {
      List<Receiver> targets = new ArrayList<>();
      for (int index : consumers) {
        targets.add(new StepReceiver(instances, index));
      }
      if (stageOutput != null) {
        int output = stageOutput;
        targets.add(element -> context.emit(output, element));
      }
      if (targets.isEmpty()) {
        return Receiver.DISCARD;
      }
      if (targets.size() == 1) {
        return targets.get(0);
      }
      return new FanOut(targets.toArray(new Receiver[0]));
    }

    private static Receiver conforming(ElementConformer conformer, Receiver target) {
      return new Conforming(conformer, target);
    }

    private void closeCreated() {
      for (Step step : instances) {
        if (step != null) {
          try {
            step.close();
          } catch (Exception ignored) {
            // the creation failure is what gets reported
          }
        }
      }
    }

    /** Consumers start first: a step may already emit when it starts (replayed elements). */
    @Override
    public void start() throws Exception {
      try (Closeable routed = metricsRouter.install()) {
        for (int i = instances.length - 1; i >= 0; i--) {
          instances[i].start();
        }
      }
    }

    @Override
    public void process(Object element) throws Exception {
      try (Closeable routed = metricsRouter.install()) {
        for (Step consumer : inputConsumers) {
          consumer.process(element);
        }
      }
    }

    /**
     * The router stays installed while the whole partition is read (each element's {@link
     * #process} then finds it current): installing it per element meant setting Beam's
     * thread-local twice per element. Updates made by the input's code between elements still go
     * to the container that was current when the task began; an input that makes its own
     * container current while it reads (a source) has the router installed over it per element,
     * as before.
     */
    @Override
    public long processAll(Partition<?> input) throws Exception {
      try (Closeable routed = metricsRouter.install()) {
        return StageTask.super.processAll(input);
      }
    }

    @Override
    public Instant advanceWatermark(Instant inputWatermark) throws Exception {
      try (Closeable routed = metricsRouter.install()) {
        Instant[] outputWatermarks = new Instant[instances.length];
        Instant stageOutput = BoundedWindow.TIMESTAMP_MAX_VALUE;
        for (int i = 0; i < instances.length; i++) {
          int producer = steps.get(i).producer();
          Instant in = producer < 0 ? inputWatermark : outputWatermarks[producer];
          outputWatermarks[i] = instances[i].advanceWatermark(in);
          if (outputWatermarks[i].isBefore(stageOutput)) {
            stageOutput = outputWatermarks[i];
          }
        }
        return instances.length == 0 ? inputWatermark : stageOutput;
      }
    }

    @Override
    public void finish() throws Exception {
      try (Closeable routed = metricsRouter.install()) {
        for (Step step : instances) {
          step.finish();
        }
      }
    }

    @Override
    public boolean hasPendingWork() {
      for (Step step : instances) {
        if (step.hasPendingWork()) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws Exception {
      endEach(Step::close);
    }

    /** Every step leaves what it set up for later tasks, or tears down what it cannot leave. */
    @Override
    public void release() throws Exception {
      endEach(Step::release);
    }

    /** Ends every step, even when one fails; the first failure is thrown, the others attached. */
    private void endEach(StepEnd end) throws Exception {
      Exception failure = null;
      try (Closeable routed = metricsRouter.install()) {
        for (Step step : instances) {
          try {
            end.apply(step);
          } catch (Exception e) {
            if (failure == null) {
              failure = e;
            } else {
              failure.addSuppressed(e);
            }
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  @FunctionalInterface
  private interface StepEnd {
    void apply(Step step) throws Exception;
  }

  /** A fused step as its producer's receiver; the step is looked up per element (made later). */
  private static final class StepReceiver implements Receiver {
    private final Step[] steps;
    private final int index;

    StepReceiver(Step[] steps, int index) {
      this.steps = steps;
      this.index = index;
    }

    @Override
    public void accept(Object element) throws Exception {
      steps[index].process(element);
    }

    @Override
    public void acceptLike(Object value, WindowedValue<?> windowing) throws Exception {
      steps[index].processLike(value, windowing);
    }
  }

  /** An output read by more than one consumer: each gets every element, in order. */
  private static final class FanOut implements Receiver {
    private final Receiver[] targets;

    FanOut(Receiver[] targets) {
      this.targets = targets;
    }

    @Override
    public void accept(Object element) throws Exception {
      for (Receiver r : targets) {
        r.accept(element);
      }
    }

    @Override
    public void acceptLike(Object value, WindowedValue<?> windowing) throws Exception {
      for (Receiver r : targets) {
        r.acceptLike(value, windowing);
      }
    }
  }

  /** Conforms each value to what its consumer expects before handing it on. */
  private record Conforming(ElementConformer conformer, Receiver target) implements Receiver {
    @Override
    @SuppressWarnings("unchecked")
    public void accept(Object element) throws Exception {
      WindowedValue<Object> windowed = (WindowedValue<Object>) element;
      Object value = windowed.getValue();
      Object conformed = conformer.conform(value);
      target.accept(conformed == value ? windowed : windowed.withValue(conformed));
    }

    @Override
    public void acceptLike(Object value, WindowedValue<?> windowing) throws Exception {
      target.acceptLike(conformer.conform(value), windowing);
    }
  }
}
