package dev.microbatch.translation.runtime;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A stateless ParDo: runs its DoFn with beam-runners-core's {@code SimpleDoFnRunner}, with the
 * full lifecycle (Setup, StartBundle, ProcessElement, FinishBundle, Teardown) and bundle
 * finalization after the batch commits.
 */
public class DoFnStep implements Step {

  protected final DoFnSpec spec;
  protected final StepEnvironment environment;
  protected final MetricsScope metrics;
  private final DoFn<Object, Object> fn;
  private final DoFnInvoker<Object, Object> invoker;
  private final InMemoryBundleFinalizer finalizer = new InMemoryBundleFinalizer();
  protected DoFnRunner<Object, Object> runner;

  @SuppressWarnings("unchecked")
  public DoFnStep(DoFnSpec spec, StepEnvironment environment) throws Exception {
    this.spec = spec;
    this.environment = environment;
    this.metrics = new MetricsScope(environment.task().metrics(), spec.stepName());
    this.fn =
        (DoFn<Object, Object>)
            SerializableUtils.deserializeFromByteArray(spec.serializedFn(), spec.stepName());
    this.invoker = DoFnInvokers.invokerFor(fn);
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
  }

  /** The step context the DoFn runner sees; keyed steps give it state and timers. */
  protected StepContext stepContext() {
    return new StepContext() {
      @Override
      public StateInternals stateInternals() {
        throw new UnsupportedOperationException(
            spec.stepName() + " is not keyed: it has no state");
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
    return fn;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  protected DoFnRunner<Object, Object> createRunner(StepContext stepContext) {
    BatchSideInputReader sideInputs = StepSupport.sideInputReader(spec.sideInputs(), environment);
    WindowedValueMultiReceiver receiver = StepSupport.receiverFor(environment);
    List<TupleTag<?>> additional = new ArrayList<>(spec.additionalOutputs());
    return DoFnRunners.simpleRunner(
        spec.options().get(),
        fn,
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
    try (Closeable scope = metrics.enter()) {
      runner.startBundle();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    try (Closeable scope = metrics.enter()) {
      runner.processElement((WindowedValue<Object>) element);
    }
  }

  @Override
  public Instant advanceWatermark(Instant inputWatermark) throws Exception {
    return inputWatermark;
  }

  @Override
  public void finish() throws Exception {
    try (Closeable scope = metrics.enter()) {
      runner.finishBundle();
    }
    StepSupport.finalizeAfterCommit(finalizer, environment);
  }

  @Override
  public void close() throws Exception {
    try (Closeable scope = metrics.enter()) {
      invoker.invokeTeardown();
    }
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
