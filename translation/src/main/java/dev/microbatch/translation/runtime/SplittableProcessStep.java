package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.Keyed;
import dev.microbatch.runner.state.KeyedStateStore;
import java.io.Closeable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
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

  /** ProcessFn's hold on the output watermark; addressed the way ProcessFn addresses it. */
  private static final StateTag<WatermarkHoldState> HOLD =
      StateTags.makeSystemTagInternal(
          StateTags.watermarkStateInternal("hold", TimestampCombiner.LATEST));

  /** A key's state plus the namespaces in which it has restrictions pending. */
  private static final class SdfKeyState {
    final KeyState state;
    final Set<StateNamespace> pending = new HashSet<>();

    SdfKeyState(Object key) {
      this.state = new KeyState(key);
    }
  }

  private final Spec spec;
  private final StepEnvironment environment;
  private final MetricsScope metrics;
  private final KeyedStateStore<SdfKeyState> store;
  private final ProcessFn<Object, Object, Object, Object, Object> processFn;
  private final InMemoryBundleFinalizer finalizer = new InMemoryBundleFinalizer();
  private final ScheduledExecutorService checkpointTimer;
  private PushbackSideInputDoFnRunner<KeyedWorkItem<byte[], KV<Object, Object>>, Object> runner;
  private SdfKeyState current;

  @SuppressWarnings("unchecked")
  public SplittableProcessStep(Spec spec, StepEnvironment environment) throws Exception {
    this.spec = spec;
    this.environment = environment;
    this.metrics = new MetricsScope(environment.task().metrics(), spec.stepName());
    this.store = environment.task().stateStore();
    this.processFn =
        (ProcessFn<Object, Object, Object, Object, Object>)
            SerializableUtils.deserializeFromByteArray(spec.serializedProcessFn(), spec.stepName());
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
    processFn.setStateInternalsFactory(key -> current.state.state());
    processFn.setTimerInternalsFactory(key -> new PendingTrackingTimers());
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
            return current.state.state();
          }

          @Override
          public TimerInternals timerInternals() {
            return current.state.timers();
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
    current = store.getOrCreate(keyed.key(), k -> new SdfKeyState(key));
    Instant processingTime = environment.task().processingTime();
    KeyedTimers.advance(
        current.state.timers(), current.state.timers().currentInputWatermarkTime(), processingTime);
    KeyedWorkItem<byte[], KV<Object, Object>> work =
        KeyedWorkItems.elementsWorkItem(key, List.of(wv.withValue(wv.getValue().getValue())));
    try (Closeable scope = metrics.enter()) {
      // Side inputs of a bounded batch are complete, so nothing is ever pushed back.
      runner.processElementInReadyWindows(WindowedValues.valueInGlobalWindow(work));
    }
  }

  @Override
  public Instant advanceWatermark(Instant inputWatermark) throws Exception {
    Instant processingTime = environment.task().processingTime();
    Instant outputWatermark = inputWatermark;
    try (Closeable scope = metrics.enter()) {
      Iterator<Map.Entry<dev.microbatch.runner.shuffle.KeyBytes, SdfKeyState>> keys =
          store.entries().iterator();
      while (keys.hasNext()) {
        current = keys.next().getValue();
        byte[] key = (byte[]) current.state.key();
        KeyedTimers.fireDue(
            current.state,
            inputWatermark,
            processingTime,
            timer ->
                runner.processElementInReadyWindows(
                    WindowedValues.valueInGlobalWindow(
                        KeyedWorkItems.<byte[], KV<Object, Object>>timersWorkItem(
                            key, List.of(timer)))));
        Instant hold = earliestHold(current);
        if (current.pending.isEmpty() && !current.state.timers().hasPendingTimers()) {
          keys.remove();
        } else if (hold.isBefore(outputWatermark)) {
          outputWatermark = hold;
        }
      }
    }
    return outputWatermark;
  }

  /** The earliest watermark hold among the key's pending restrictions, dropping finished ones. */
  private static Instant earliestHold(SdfKeyState key) {
    Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    Iterator<StateNamespace> namespaces = key.pending.iterator();
    while (namespaces.hasNext()) {
      Instant hold = key.state.state().state(namespaces.next(), HOLD).read();
      if (hold == null) {
        namespaces.remove();
      } else if (hold.isBefore(earliest)) {
        earliest = hold;
      }
    }
    return earliest;
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

  /** The current key's timers, noting the namespaces in which restrictions wait to resume. */
  private final class PendingTrackingTimers extends DelegatingTimerInternals {
    @Override
    protected TimerInternals delegate() {
      return current.state.timers();
    }

    @Override
    protected void onSet(StateNamespace namespace) {
      current.pending.add(namespace);
    }
  }
}
