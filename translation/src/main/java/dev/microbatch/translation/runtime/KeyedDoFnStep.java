package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.Keyed;
import dev.microbatch.runner.state.KeyedStateStore;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A stateful ParDo after its key shuffle. Each key's state and timers live in the stage's keyed
 * state store across batches; the DoFn runner sees the current key's state through delegating
 * views. Event-time timers fire when the input watermark passes them, processing-time timers at the
 * first batch boundary after their time.
 */
public final class KeyedDoFnStep extends DoFnStep {

  private final boolean timeSorted;
  private final Coder<Object> keyCoder;
  private final KeyedStateStore<KeyState> store;
  private final List<Keyed<WindowedValue<KV<?, ?>>>> sortBuffer = new ArrayList<>();
  private KeyState current;
  private KeyBytes currentKey;
  private Instant lastWatermark;

  @SuppressWarnings("unchecked")
  public KeyedDoFnStep(DoFnSpec spec, boolean timeSorted, StepEnvironment environment)
      throws Exception {
    super(spec, environment);
    this.timeSorted = timeSorted;
    this.keyCoder = (Coder<Object>) KeyStateCodec.keyCoderOf(spec.inputCoder(), spec.stepName());
    this.store =
        environment
            .task()
            .stateStore(
                new KeyStateCodec(keyCoder, spec.windowingStrategy().getWindowFn().windowCoder()));
    store.schedule(KeyedTimers.timetable(KeyedDoFnStep::hold));
  }

  @Override
  protected StepContext stepContext() {
    StepContext base = super.stepContext();
    return new StepContext() {
      @Override
      public StateInternals stateInternals() {
        return currentState;
      }

      @Override
      public TimerInternals timerInternals() {
        return current.timers();
      }

      @Override
      public DoFn.BundleFinalizer bundleFinalizer() {
        return base.bundleFinalizer();
      }
    };
  }

  /** The current key's state, as one object the runner and the state cleaner can hold. */
  private final StateInternals currentState =
      new StateInternals() {
        @Override
        public Object getKey() {
          return current.key();
        }

        @Override
        public <T extends State> T state(
            StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
          return current.state().state(namespace, address, c);
        }
      };

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected DoFnRunner<Object, Object> createRunner(StepContext stepContext) {
    DoFnRunner<Object, Object> simple = simpleRunner(stepContext);
    Coder<BoundedWindow> windowCoder =
        (Coder<BoundedWindow>) spec.windowingStrategy().getWindowFn().windowCoder();
    TimerInternals currentTimers = new DelegatingTimerInternals(() -> current.timers());
    return DoFnRunners.defaultStatefulDoFnRunner(
        fn(),
        (Coder) spec.inputCoder(),
        simple,
        stepContext,
        spec.windowingStrategy(),
        new StatefulDoFnRunner.TimeInternalsCleanupTimer<>(currentTimers, spec.windowingStrategy()),
        new StatefulDoFnRunner.StateInternalsStateCleaner<>(fn(), currentState, windowCoder),
        true);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void process(Object element) throws Exception {
    Keyed<WindowedValue<KV<?, ?>>> keyed = (Keyed<WindowedValue<KV<?, ?>>>) element;
    if (timeSorted) {
      // In a bounded batch all of a key's input is here: sort it before the DoFn sees it.
      sortBuffer.add(keyed);
      return;
    }
    processKeyed(keyed);
  }

  private void processKeyed(Keyed<WindowedValue<KV<?, ?>>> keyed) throws Exception {
    currentKey = keyed.key();
    current = stateFor(keyed.key(), keyed.element().getValue().getKey());
    // Lateness is judged against the last batch's watermark; timers set relative to processing
    // time count from this batch's time.
    KeyedTimers.advance(current.timers(), lastWatermark, environment.task().processingTime());
    processValue((WindowedValue<Object>) (WindowedValue<?>) keyed.element());
  }

  /** A waiting value keeps its key, so that its replay finds the key's state. */
  @Override
  protected Object asInput(WindowedValue<Object> waiting) {
    return new Keyed<>(currentKey, waiting);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Object inputFromCheckpoint(WindowedValue<Object> waiting) {
    try {
      Object key = ((KV<Object, Object>) waiting.getValue()).getKey();
      return new Keyed<>(new KeyBytes(CoderUtils.encodeToByteArray(keyCoder, key)), waiting);
    } catch (CoderException e) {
      throw new IllegalStateException(e);
    }
  }

  private KeyState stateFor(KeyBytes key, Object keyObject) {
    return store.getOrCreate(key, k -> new KeyState(keyObject));
  }

  /**
   * Elements that waited for side inputs hold this step's input watermark, so that they are not
   * late when they are replayed and no timer fires past them.
   */
  @Override
  protected void beforeReplay() {
    lastWatermark = heldByWaiting(environment.task().lastInputWatermark());
  }

  /** The batch boundary: timers that processing time made due fire before this batch's elements. */
  @Override
  public void start() throws Exception {
    lastWatermark = environment.task().lastInputWatermark();
    super.start();
    fireDueTimers(lastWatermark);
  }

  @Override
  public Instant advanceWatermark(Instant batchWatermark) throws Exception {
    Instant inputWatermark = heldByWaiting(batchWatermark);
    if (timeSorted) {
      sortBuffer.sort(Comparator.comparing(k -> k.element().getTimestamp()));
      for (Keyed<WindowedValue<KV<?, ?>>> keyed : sortBuffer) {
        processKeyed(keyed);
      }
      sortBuffer.clear();
    }
    return fireDueTimers(inputWatermark);
  }

  /** Fires every key's timers that {@code watermark} and processing time made due. */
  private Instant fireDueTimers(Instant watermark) throws Exception {
    Instant processingTime = environment.task().processingTime();
    return KeyedTimers.forEachKey(
        store,
        List.of(),
        watermark,
        processingTime,
        (key, state) -> {
          current = state;
          KeyedTimers.fireDue(state, watermark, processingTime, this::fire);
        });
  }

  /**
   * A key holds the output watermark at its pending timers' output timestamps, except the runner's
   * state-cleanup timer, which would hold it until the window's garbage collection.
   */
  private static Optional<Instant> hold(KeyState state) {
    Optional<Instant> timers =
        state
            .timers()
            .earliestOutputTimestamp(
                timer ->
                    !StatefulDoFnRunner.TimeInternalsCleanupTimer.GC_TIMER_ID.equals(
                        timer.getTimerId()));
    Optional<Instant> holds = state.state().earliestHold();
    if (timers.isEmpty()) {
      return holds;
    }
    if (holds.isEmpty()) {
      return timers;
    }
    return Optional.of(timers.get().isBefore(holds.get()) ? timers.get() : holds.get());
  }

  private void fire(TimerData timer) throws Exception {
    StateNamespace namespace = timer.getNamespace();
    BoundedWindow window =
        namespace instanceof StateNamespaces.WindowNamespace<?> windowNamespace
            ? windowNamespace.getWindow()
            : org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE;
    try (Closeable scope = metrics.enter()) {
      runner.onTimer(
          timer.getTimerId(),
          timer.getTimerFamilyId(),
          current.key(),
          window,
          timer.getTimestamp(),
          timer.getOutputTimestamp(),
          timer.getDomain());
    }
  }

  @Override
  public boolean hasPendingWork() {
    return store.size() > 0 || super.hasPendingWork();
  }
}
