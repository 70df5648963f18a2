package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.Keyed;
import dev.microbatch.runner.state.KeyedStateStore;
import java.io.Closeable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.OutputAndTimeBoundedSplittableProcessElementInvoker;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.ReadyCheckingSideInputReader;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessFn;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A splittable DoFn whose restrictions may need several calls (unbounded per element, or cut by the
 * output/time bound): beam-runners-core's {@link ProcessFn} keeps each restriction's residual,
 * watermark estimator state and watermark hold in the key's state, and resumes it with a
 * processing-time timer, which fires at a later batch boundary. The step's output watermark is held
 * at the earliest hold of the restrictions still pending.
 */
public final class SplittableProcessStep implements Step {

  /** Everything the step needs; the ProcessFn travels serialized. */
  public record Spec(
      String stepName,
      byte[] serializedProcessFn,
      Coder<?> inputCoder,
      TupleTag<?> mainOutput,
      List<TupleTag<?>> additionalOutputs,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      WindowingStrategy<?, ?> windowingStrategy,
      Map<String, PCollectionView<?>> sideInputMapping,
      List<PCollectionView<?>> sideInputs,
      SerializablePipelineOptions options)
      implements Serializable {}

  /**
   * A key holds the output watermark at the ProcessFn's watermark holds (one per pending
   * restriction); its resume timers do not hold.
   */
  private static final KeyedTimers.Hold HOLDS = state -> state.state().earliestHold();

  private final Spec spec;
  private final StepEnvironment environment;
  private final MetricsScope metrics;
  private final KeyedStateStore<KeyState> store;
  private final ProcessFn<Object, Object, Object, Object, Object> processFn;
  private final InMemoryBundleFinalizer finalizer = new InMemoryBundleFinalizer();
  private final ScheduledExecutorService checkpointTimer;
  private PushbackSideInputDoFnRunner<KeyedWorkItem<byte[], KV<Object, Object>>, Object> runner;
  private KeyState current;

  @SuppressWarnings("unchecked")
  public SplittableProcessStep(Spec spec, StepEnvironment environment) throws Exception {
    this.spec = spec;
    this.environment = environment;
    this.metrics = environment.metricsScope(spec.stepName());
    this.processFn =
        (ProcessFn<Object, Object, Object, Object, Object>)
            SerializableUtils.deserializeFromByteArray(spec.serializedProcessFn(), spec.stepName());
    // The ProcessFn keeps each restriction's state and timers in the namespace of the element's
    // window, which is the splittable ParDo's input's, not the keyed work items' (global): its
    // window coder is the one that reads a checkpointed timer back into the right window.
    this.store =
        environment
            .task()
            .stateStore(
                new KeyStateCodec(
                    KeyStateCodec.keyCoderOf(spec.inputCoder(), spec.stepName()),
                    processFn.getInputWindowingStrategy().getWindowFn().windowCoder()));
    store.schedule(KeyedTimers.timetable(HOLDS));
    this.checkpointTimer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, spec.stepName() + "-checkpoint-timer");
              t.setDaemon(true);
              return t;
            });
    try (Closeable scope = metrics.enter()) {
      processFn.setup(spec.options().get());
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void start() throws Exception {
    PipelineOptions options = spec.options().get();
    BatchSideInputReader sideInputs = StepSupport.sideInputReader(spec.sideInputs(), environment);
    WindowedValueMultiReceiver receiver = StepSupport.receiverFor(environment);
    TimerInternals currentTimers = new DelegatingTimerInternals(() -> current.timers());
    processFn.setStateInternalsFactory(key -> current.state());
    processFn.setTimerInternalsFactory(key -> currentTimers);
    processFn.setSideInputReader(sideInputs);
    processFn.setProcessElementInvoker(
        new OutputAndTimeBoundedSplittableProcessElementInvoker<>(
            processFn.getFn(),
            options,
            receiver,
            (TupleTag<Object>) spec.mainOutput(),
            sideInputs,
            checkpointTimer,
            10_000,
            Duration.standardSeconds(10),
            () -> finalizer));
    StepContext stepContext =
        new StepContext() {
          @Override
          public StateInternals stateInternals() {
            return current.state();
          }

          @Override
          public TimerInternals timerInternals() {
            return current.timers();
          }

          @Override
          public DoFn.BundleFinalizer bundleFinalizer() {
            return finalizer;
          }
        };
    // Nothing waits here yet: a pushed-back restriction would need its key's state with it.
    ReadyCheckingSideInputReader ready = new ReadySideInputs(sideInputs, (view, window) -> true);
    runner =
        (PushbackSideInputDoFnRunner)
            DoFnRunners.newProcessFnRunner(
                (ProcessFn) processFn,
                options,
                spec.sideInputs(),
                ready,
                receiver,
                (TupleTag) spec.mainOutput(),
                new ArrayList<>(spec.additionalOutputs()),
                stepContext,
                (Coder) spec.inputCoder(),
                (Map) spec.outputCoders(),
                spec.windowingStrategy(),
                DoFnSchemaInformation.create(),
                (Map) spec.sideInputMapping());
    try (Closeable scope = metrics.enter()) {
      runner.startBundle();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    Keyed<WindowedValue<KV<byte[], KV<Object, Object>>>> keyed =
        (Keyed<WindowedValue<KV<byte[], KV<Object, Object>>>>) element;
    WindowedValue<KV<byte[], KV<Object, Object>>> wv = keyed.element();
    byte[] key = wv.getValue().getKey();
    current = store.getOrCreate(keyed.key(), k -> new KeyState(key));
    KeyedTimers.advance(
        current.timers(),
        environment.task().lastInputWatermark(),
        environment.task().processingTime());
    KeyedWorkItem<byte[], KV<Object, Object>> work =
        KeyedWorkItems.elementsWorkItem(key, List.of(wv.withValue(wv.getValue().getValue())));
    try (Closeable scope = metrics.enter()) {
      // Side inputs of a bounded batch are complete, so nothing is ever pushed back.
      runner.processElementInReadyWindows(WindowedValues.valueInGlobalWindow(work));
    }
  }

  /** Resumes the restrictions whose timers are due; held by the restrictions still pending. */
  @Override
  public Instant advanceWatermark(Instant inputWatermark) throws Exception {
    Instant processingTime = environment.task().processingTime();
    try (Closeable scope = metrics.enter()) {
      return KeyedTimers.forEachKey(
          store,
          List.of(),
          inputWatermark,
          processingTime,
          (key, state) -> {
            current = state;
            byte[] keyBytes = (byte[]) state.key();
            KeyedTimers.fireDue(
                state,
                inputWatermark,
                processingTime,
                timer ->
                    runner.processElementInReadyWindows(
                        WindowedValues.valueInGlobalWindow(
                            KeyedWorkItems.<byte[], KV<Object, Object>>timersWorkItem(
                                keyBytes, List.of(timer)))));
          });
    }
  }

  @Override
  public void finish() throws Exception {
    try (Closeable scope = metrics.enter()) {
      runner.finishBundle();
    }
    StepSupport.finalizeAfterCommit(finalizer, environment);
  }

  @Override
  public boolean hasPendingWork() {
    return store.size() > 0;
  }

  @Override
  public void close() throws Exception {
    try (Closeable scope = metrics.enter()) {
      processFn.tearDown();
    } finally {
      checkpointTimer.shutdownNow();
    }
  }
}
