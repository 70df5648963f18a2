package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.InstancePool;
import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.KeyedStateStore;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A stateless ParDo: runs its DoFn with beam-runners-core's {@code SimpleDoFnRunner}, with the full
 * lifecycle (Setup, StartBundle, ProcessElement, FinishBundle, Teardown) and bundle finalization
 * after the batch commits. A set-up instance serves one task's bundle at a time and is left for
 * the step's later tasks; it is torn down when the run ends, or at once after a failed bundle.
 */
public class DoFnStep implements Step {

  protected final DoFnSpec spec;
  protected final StepEnvironment environment;
  protected final MetricsScope metrics;
  private final SetUpFn setUp;
  private final InMemoryBundleFinalizer finalizer = new InMemoryBundleFinalizer();
  protected DoFnRunner<Object, Object> runner;
  /** The runner, where it is a {@link StatelessDoFnRunner} with no side inputs to wait for. */
  private Optional<StatelessDoFnRunner> stateless = Optional.empty();
  private PushbackSideInputDoFnRunner<Object, Object> pushbackRunner;
  private KeyedStateStore<List<Waiting>> pushedBack;

  /**
   * An element waiting for its side inputs: the window-exploded value, and the input as the step
   * received it (a keyed step's input carries its key), which is what is replayed.
   */
  protected record Waiting(WindowedValue<Object> value, Object input) {}

  /** The one entry under which a partition keeps the elements waiting for side inputs. */
  private static final KeyBytes PUSHED_BACK = new KeyBytes(new byte[0]);

  /**
   * A DoFn instance after its {@code @Setup}, which tasks of the step leave to later ones (in this
   * batch or the next) rather than tear down: Beam's lifecycle lets one instance process many
   * bundles, one at a time, and its {@code @Teardown} runs when the run ends, or after a bundle
   * failed.
   */
  private record SetUpFn(DoFn<Object, Object> fn, DoFnInvoker<Object, Object> invoker)
      implements AutoCloseable {
    @Override
    public void close() {
      invoker.invokeTeardown();
    }
  }

  public DoFnStep(DoFnSpec spec, StepEnvironment environment) throws Exception {
    this.spec = spec;
    this.environment = environment;
    this.metrics = environment.metricsScope(spec.stepName());
    this.setUp = takeOrSetUp(spec, environment.task().instances(), metrics);
  }

  /** An instance an earlier task of the step left, or a new one, deserialized and set up. */
  @SuppressWarnings("unchecked")
  private static SetUpFn takeOrSetUp(DoFnSpec spec, InstancePool pool, MetricsScope metrics)
      throws Exception {
    Optional<SetUpFn> left = pool.take(poolKey(spec), SetUpFn.class);
    if (left.isPresent()) {
      return left.get();
    }
    DoFn<Object, Object> fn =
        (DoFn<Object, Object>)
            SerializableUtils.deserializeFromByteArray(spec.serializedFn(), spec.stepName());
    DoFnInvoker<Object, Object> invoker = DoFnInvokers.invokerFor(fn);
    try (Closeable scope = metrics.enter()) {
      invoker.invokeSetup(new SetupArguments(spec.options().get(), spec.stepName()));
    } catch (RuntimeException e) {
      // Beam calls Teardown even when Setup failed.
      try {
        invoker.invokeTeardown();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new SetUpFn(fn, invoker);
  }

  /** The step's transform name and main output: unique in the pipeline. */
  private static String poolKey(DoFnSpec spec) {
    return spec.stepName() + " " + spec.mainOutput().getId();
  }

  /** The step context the DoFn runner sees; keyed steps give it state and timers. */
  protected StepContext stepContext() {
    return new StepContext() {
      @Override
      public StateInternals stateInternals() {
        throw new UnsupportedOperationException(spec.stepName() + " is not keyed: it has no state");
      }

      @Override
      public TimerInternals timerInternals() {
        throw new UnsupportedOperationException(
            spec.stepName() + " is not keyed: it has no timers");
      }

      @Override
      public DoFn.BundleFinalizer bundleFinalizer() {
        return finalizer;
      }
    };
  }

  protected DoFn<Object, Object> fn() {
    return setUp.fn();
  }

  /**
   * The runner of this step's bundles: {@link StatelessDoFnRunner} where the DoFn needs nothing but
   * its elements, else beam-runners-core's.
   */
  protected DoFnRunner<Object, Object> createRunner(StepContext stepContext) {
    if (StatelessDoFnRunner.canRun(setUp.fn(), !spec.sideInputs().isEmpty())) {
      return new StatelessDoFnRunner(
          setUp.fn(), setUp.invoker(), spec, environment, stepContext.bundleFinalizer());
    }
    return simpleRunner(stepContext);
  }

  /** beam-runners-core's runner, which supports everything a DoFn may ask for. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected final DoFnRunner<Object, Object> simpleRunner(StepContext stepContext) {
    BatchSideInputReader sideInputs = sideInputReader();
    WindowedValueMultiReceiver receiver = StepSupport.receiverFor(environment);
    List<TupleTag<?>> additional = new ArrayList<>(spec.additionalOutputs());
    return DoFnRunners.simpleRunner(
        spec.options().get(),
        setUp.fn(),
        sideInputs,
        receiver,
        (TupleTag) spec.mainOutput(),
        additional,
        stepContext,
        (Coder) spec.inputCoder(),
        (Map) spec.outputCoders(),
        spec.windowingStrategy(),
        spec.schemaInformation(),
        (Map) spec.sideInputMapping());
  }

  @Override
  public void start() throws Exception {
    runner = createRunner(stepContext());
    boolean waitsForSideInputs = !spec.sideInputs().isEmpty();
    stateless =
        runner instanceof StatelessDoFnRunner direct && !waitsForSideInputs
            ? Optional.of(direct)
            : Optional.empty();
    if (waitsForSideInputs) {
      pushbackRunner =
          SimplePushbackSideInputDoFnRunner.create(
              runner, spec.sideInputs(), new ReadySideInputs(sideInputReader(), this::isComplete));
      pushedBack =
          environment
              .task()
              .stateStore(
                  spec.stepName() + "/pushed-back",
                  new WaitingCodec(
                      spec.inputCoder(),
                      spec.windowingStrategy().getWindowFn().windowCoder(),
                      this::inputFromCheckpoint));
    }
    try (Closeable scope = metrics.enter()) {
      if (pushbackRunner != null) {
        pushbackRunner.startBundle();
      } else {
        runner.startBundle();
      }
    }
    if (waitsForSideInputs) {
      // Elements whose side-input windows are not complete yet wait, in this partition's store,
      // for a later batch; each batch first retries the ones that waited.
      beforeReplay();
      List<Waiting> waiting = pushedBack.get(PUSHED_BACK);
      pushedBack.remove(PUSHED_BACK);
      if (waiting != null) {
        for (Waiting element : waiting) {
          process(element.input());
        }
      }
    }
  }

  /** Called at the start of a batch, before the elements that waited are replayed. */
  protected void beforeReplay() {}

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    processValue((WindowedValue<Object>) element);
  }

  /** Without a windowed value of its own where the DoFn runs on {@link StatelessDoFnRunner}. */
  @Override
  public void processLike(Object value, WindowedValue<?> windowing) throws Exception {
    if (stateless.isEmpty()) {
      Step.super.processLike(value, windowing);
      return;
    }
    try (Closeable scope = metrics.enter()) {
      stateless.get().processLike(value, windowing);
    }
  }

  /**
   * A waiting (window-exploded) value as {@link #process} takes it, to replay it later; a keyed
   * step wraps it with the current key.
   */
  protected Object asInput(WindowedValue<Object> waiting) {
    return waiting;
  }

  /** The input a waiting element read back from a checkpoint is replayed as. */
  protected Object inputFromCheckpoint(WindowedValue<Object> waiting) {
    return waiting;
  }

  /**
   * Runs the DoFn on one element, or keeps it for a later batch if its side inputs are not ready.
   */
  protected final void processValue(WindowedValue<Object> value) throws Exception {
    try (Closeable scope = metrics.enter()) {
      if (pushbackRunner == null) {
        runner.processElement(value);
        return;
      }
      for (WindowedValue<Object> waiting : pushbackRunner.processElementInReadyWindows(value)) {
        pushedBack
            .getOrCreate(PUSHED_BACK, k -> new ArrayList<>())
            .add(new Waiting(waiting, asInput(waiting)));
      }
    }
  }

  /** Held back by the earliest element still waiting for its side inputs. */
  @Override
  public Instant advanceWatermark(Instant inputWatermark) throws Exception {
    return heldByWaiting(inputWatermark);
  }

  /** {@code watermark}, or the timestamp of the earliest waiting element if that is earlier. */
  protected final Instant heldByWaiting(Instant watermark) {
    Instant held = watermark;
    List<Waiting> waiting = pushedBack == null ? null : pushedBack.get(PUSHED_BACK);
    if (waiting != null) {
      for (Waiting element : waiting) {
        if (element.value().getTimestamp().isBefore(held)) {
          held = element.value().getTimestamp();
        }
      }
    }
    return held;
  }

  @Override
  public boolean hasPendingWork() {
    return pushedBack != null && pushedBack.size() > 0;
  }

  /**
   * A side input is ready for a window once its stream's watermark has passed the window's end:
   * only then is the view complete.
   */
  private boolean isComplete(PCollectionView<?> view, BoundedWindow window) {
    Instant watermark = environment.sideInputs().get(view.getTagInternal().getId()).watermark();
    return watermark.isAfter(window.maxTimestamp())
        || !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  private BatchSideInputReader sideInputReader() {
    return StepSupport.sideInputReader(spec.sideInputs(), environment);
  }

  @Override
  public void finish() throws Exception {
    try (Closeable scope = metrics.enter()) {
      if (pushbackRunner != null) {
        pushbackRunner.finishBundle();
      } else {
        runner.finishBundle();
      }
    }
    StepSupport.finalizeAfterCommit(finalizer, environment);
  }

  /** After a failure: the instance is torn down, never left for another task. */
  @Override
  public void close() throws Exception {
    try (Closeable scope = metrics.enter()) {
      setUp.close();
    }
  }

  /** The bundle finished: the instance is left for the step's next task. */
  @Override
  public void release() throws Exception {
    environment.task().instances().give(poolKey(spec), setUp);
  }

  /** What a @Setup method may ask for: the pipeline options. */
  private static final class SetupArguments
      extends DoFnInvoker.BaseArgumentProvider<Object, Object> {
    private final PipelineOptions options;
    private final String stepName;

    SetupArguments(PipelineOptions options, String stepName) {
      this.options = options;
      this.stepName = stepName;
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public String getErrorContext() {
      return "Setup of " + stepName;
    }
  }
}
