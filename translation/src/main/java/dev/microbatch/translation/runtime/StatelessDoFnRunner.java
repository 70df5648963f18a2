package dev.microbatch.translation.runtime;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnOutputReceivers;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature.Parameter;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.OutputBuilderSuppliers;
import org.apache.beam.sdk.util.SystemDoFnInternal;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.OutputBuilder;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.joda.time.format.PeriodFormat;

/**
 * Runs a DoFn that needs nothing but its element and where it came from: no state, timers, side
 * inputs, restriction or schema conversion (see {@link #canRun}). beam-runners-core's {@code
 * SimpleDoFnRunner} builds a process context per element and a {@code WindowedValues.Builder} per
 * output, which for a one-line DoFn cost more than the DoFn itself; this runner keeps one argument
 * provider and one output receiver per tag for the whole bundle and makes an output in one
 * allocation ({@code withValue} of the current element). What a DoFn observes is the same: windows
 * are exploded when it observes them, output timestamps are checked against the allowed skew, an
 * undeclared output tag is refused, and user-code failures are wrapped in {@link
 * UserCodeException}.
 */
final class StatelessDoFnRunner implements DoFnRunner<Object, Object> {

  private final DoFn<Object, Object> fn;
  private final DoFnInvoker<Object, Object> invoker;
  private final PipelineOptions options;
  private final TupleTag<Object> mainTag;
  private final Receiver mainOutput;
  private final Map<TupleTag<?>, Receiver> outputs;
  private final Set<TupleTag<?>> declaredTags;
  private final Map<TupleTag<?>, Coder<?>> outputCoders;
  private final DoFn.BundleFinalizer finalizer;
  private final boolean observesWindow;
  private final boolean systemFn;
  private final ElementArguments arguments;

  /** The element being processed; set only while the DoFn's process method runs. */
  private Object element;

  /**
   * The element's timestamp, windows and pane (and record id and offset): its own windowed value,
   * or one whose value is another element's (see {@link #processLike}). Set only while the DoFn's
   * process method runs.
   */
  private WindowedValue<?> current;

  @SuppressWarnings("unchecked")
  StatelessDoFnRunner(
      DoFn<Object, Object> fn,
      DoFnInvoker<Object, Object> invoker,
      DoFnSpec spec,
      StepEnvironment environment,
      DoFn.BundleFinalizer finalizer) {
    this.fn = fn;
    this.invoker = invoker;
    this.options = spec.options().get();
    this.mainTag = (TupleTag<Object>) spec.mainOutput();
    this.mainOutput = environment.output(mainTag);
    this.outputs = environment.outputs();
    this.declaredTags = declaredTags(spec);
    this.outputCoders = spec.outputCoders();
    this.finalizer = finalizer;
    this.observesWindow =
        DoFnSignatures.getSignature(fn.getClass()).processElement().observesWindow();
    this.systemFn = invoker.getClass().isAnnotationPresent(SystemDoFnInternal.class);
    this.arguments = new ElementArguments(); // last: its context is an inner object of fn
  }

  private static Set<TupleTag<?>> declaredTags(DoFnSpec spec) {
    Set<TupleTag<?>> tags = new HashSet<>(spec.additionalOutputs());
    tags.add(spec.mainOutput());
    return Set.copyOf(tags);
  }

  /**
   * Whether this runner can run {@code fn}: a DoFn without side inputs, state, timers, window
   * expiration or restriction, whose process method asks only for what an element carries
   * (element, timestamp, window, pane, options, output receivers, process context, bundle
   * finalizer). Anything else runs on {@code SimpleDoFnRunner}.
   */
  static boolean canRun(DoFn<?, ?> fn, boolean hasSideInputs) {
    DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
    if (hasSideInputs
        || signature.usesState()
        || signature.usesTimers()
        || signature.onWindowExpiration() != null
        || signature.processElement().isSplittable()
        || signature.processElement().requiresTimeSortedInput()) {
      return false;
    }
    return signature.processElement().extraParameters().stream()
        .allMatch(StatelessDoFnRunner::isElementParameter);
  }

  private static boolean isElementParameter(Parameter parameter) {
    if (parameter instanceof Parameter.OutputReceiverParameter receiver) {
      return !receiver.isRowReceiver();
    }
    return parameter instanceof Parameter.ElementParameter
        || parameter instanceof Parameter.TimestampParameter
        || parameter instanceof Parameter.WindowParameter
        || parameter instanceof Parameter.PaneInfoParameter
        || parameter instanceof Parameter.PipelineOptionsParameter
        || parameter instanceof Parameter.TaggedOutputReceiverParameter
        || parameter instanceof Parameter.ProcessContextParameter
        || parameter instanceof Parameter.BundleFinalizerParameter;
  }

  @Override
  public DoFn<Object, Object> getFn() {
    return fn;
  }

  @Override
  public void startBundle() {
    try {
      invoker.invokeStartBundle(new BundleArguments("StartBundle"));
    } catch (Throwable t) {
      throw wrap(t);
    }
  }

  @Override
  public void processElement(WindowedValue<Object> element) {
    if (observesWindow && element.getWindows().size() > 1) {
      for (WindowedValue<Object> inOneWindow : element.explodeWindows()) {
        invokeProcessElement(inOneWindow);
      }
    } else {
      invokeProcessElement(element);
    }
  }

  /**
   * Processes {@code value} with the timestamp, windows and pane of {@code windowing}, without
   * making a windowed value of it unless the DoFn sees its windows one at a time.
   */
  void processLike(Object value, WindowedValue<?> windowing) {
    if (observesWindow && windowing.getWindows().size() > 1) {
      processElement(windowing.withValue(value));
    } else {
      invokeProcessElement(value, windowing);
    }
  }

  private void invokeProcessElement(WindowedValue<Object> element) {
    invokeProcessElement(element.getValue(), element);
  }

  private void invokeProcessElement(Object value, WindowedValue<?> windowing) {
    element = value;
    current = windowing;
    try {
      invoker.invokeProcessElement(arguments);
    } catch (Exception e) {
      throw wrap(e);
    } finally {
      element = null;
      current = null;
    }
  }

  @Override
  public void finishBundle() {
    try {
      invoker.invokeFinishBundle(new BundleArguments("FinishBundle"));
    } catch (Throwable t) {
      throw wrap(t);
    }
  }

  @Override
  public <KeyT> void onTimer(
      String timerId,
      String timerFamilyId,
      KeyT key,
      BoundedWindow window,
      Instant timestamp,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    throw new UnsupportedOperationException(fn.getClass().getName() + " has no timers");
  }

  @Override
  public <KeyT> void onWindowExpiration(BoundedWindow window, Instant timestamp, KeyT key) {
    throw new UnsupportedOperationException(
        fn.getClass().getName() + " has no @OnWindowExpiration method");
  }

  private RuntimeException wrap(Throwable t) {
    return UserCodeException.wrapIf(!systemFn, t);
  }

  /** Sends {@code value} to the receiver of {@code tag}, which the DoFn must have declared. */
  private void send(TupleTag<?> tag, WindowedValue<?> value) {
    try {
      receiverOf(tag).accept(value);
    } catch (Exception e) {
      throw unchecked(e);
    }
  }

  /**
   * Sends {@code value} with the current element's timestamp, windows and pane to {@code tag}'s
   * receiver, which makes it a windowed value only if its consumer needs one.
   */
  private void sendLikeCurrent(TupleTag<?> tag, Object value) {
    try {
      receiverOf(tag).acceptLike(value, current);
    } catch (Exception e) {
      throw unchecked(e);
    }
  }

  /** A consumer's failure as it was, or wrapped if it is checked. */
  private static RuntimeException unchecked(Exception e) {
    return e instanceof RuntimeException runtime ? runtime : new RuntimeException(e);
  }

  private Receiver receiverOf(TupleTag<?> tag) {
    if (tag == mainTag) {
      return mainOutput;
    }
    if (declaredTags.contains(tag)) {
      // Output maps are keyed by tag equality: a tag equal to the main one finds its receiver.
      return outputs.getOrDefault(tag, Receiver.DISCARD);
    }
    throw new IllegalArgumentException("Unknown output tag " + tag);
  }

  /** Sends an output with a timestamp the DoFn chose, after checking it against the skew. */
  private void sendWithTimestamp(
      TupleTag<?> tag,
      Object value,
      Instant timestamp,
      Collection<? extends BoundedWindow> windows,
      PaneInfo pane) {
    checkTimestamp(timestamp);
    send(tag, WindowedValues.of(value, timestamp, windows, pane));
  }

  @SuppressWarnings("deprecation") // the allowed skew is deprecated for users, but still holds
  private void checkTimestamp(Instant timestamp) {
    Instant input = current.getTimestamp();
    Duration skew = fn.getAllowedTimestampSkew();
    Instant lowerBound;
    try {
      lowerBound = input.minus(skew);
    } catch (ArithmeticException e) {
      lowerBound = BoundedWindow.TIMESTAMP_MIN_VALUE;
    }
    if (timestamp.isBefore(lowerBound) || timestamp.isAfter(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      String allowed =
          skew.getMillis() >= Integer.MAX_VALUE
              ? skew.toString()
              : PeriodFormat.getDefault().print(skew.toPeriod());
      throw new IllegalArgumentException(
          String.format(
              "Cannot output with timestamp %s. Output timestamps must be no earlier than the"
                  + " timestamp of the current input or timer (%s) minus the allowed skew (%s)"
                  + " and no later than %s (DoFn %s).",
              timestamp,
              input,
              allowed,
              BoundedWindow.TIMESTAMP_MAX_VALUE,
              fn.getClass().getName()));
    }
  }

  /**
   * One output tag's receiver, made once per tag and reused for every element; it outputs through
   * the process context, which holds the one implementation of each kind of output.
   */
  private final class TagReceiver implements DoFn.OutputReceiver<Object> {
    private final TupleTag<Object> tag;

    @SuppressWarnings("unchecked")
    TagReceiver(TupleTag<?> tag) {
      this.tag = (TupleTag<Object>) tag;
    }

    @Override
    public void output(Object value) {
      arguments.context.output(tag, value);
    }

    @Override
    public void outputWithTimestamp(Object value, Instant timestamp) {
      arguments.context.outputWithTimestamp(tag, value, timestamp);
    }

    @Override
    public void outputWindowedValue(
        Object value,
        Instant timestamp,
        Collection<? extends BoundedWindow> windows,
        PaneInfo pane) {
      arguments.context.outputWindowedValue(tag, value, timestamp, windows, pane);
    }

    @Override
    public OutputBuilder<Object> builder(Object value) {
      return WindowedValues.builder(current)
          .withValue(value)
          .setReceiver(
              built -> {
                checkTimestamp(built.getTimestamp());
                send(tag, built);
              });
    }
  }

  /** The receivers of every output tag, made as the DoFn first asks for each. */
  private final class TaggedReceivers implements DoFn.MultiOutputReceiver {
    private final Map<TupleTag<?>, TagReceiver> byTag = new HashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public <T> DoFn.OutputReceiver<T> get(TupleTag<T> tag) {
      return (DoFn.OutputReceiver<T>) byTag.computeIfAbsent(tag, TagReceiver::new);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> DoFn.OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
      Coder<?> coder = outputCoders.get(tag);
      if (!(coder instanceof SchemaCoder<?>)) {
        throw new IllegalStateException(
            "Output with tag " + tag + " must have a schema in order to call getRowReceiver");
      }
      return DoFnOutputReceivers.rowReceiver(
          arguments.context,
          OutputBuilderSuppliers.supplierForElement(current),
          tag,
          (SchemaCoder<T>) coder);
    }
  }

  /** The arguments of the process method: what the current element carries. */
  private final class ElementArguments extends DoFnInvoker.BaseArgumentProvider<Object, Object> {
    private final TagReceiver mainReceiver = new TagReceiver(mainTag);
    private final TaggedReceivers taggedReceivers = new TaggedReceivers();
    private final ElementContext context = new ElementContext();

    @Override
    public Object element(DoFn<Object, Object> doFn) {
      return element;
    }

    @Override
    public Instant timestamp(DoFn<Object, Object> doFn) {
      return current.getTimestamp();
    }

    @Override
    public BoundedWindow window() {
      Collection<? extends BoundedWindow> windows = current.getWindows();
      if (windows.size() != 1) {
        throw new IllegalStateException(
            "the element is in " + windows.size() + " windows, the DoFn asks for one");
      }
      return windows.iterator().next();
    }

    @Override
    public PaneInfo paneInfo(DoFn<Object, Object> doFn) {
      return current.getPaneInfo();
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public DoFn.OutputReceiver<Object> outputReceiver(DoFn<Object, Object> doFn) {
      return mainReceiver;
    }

    @Override
    public DoFn.MultiOutputReceiver taggedOutputReceiver(DoFn<Object, Object> doFn) {
      return taggedReceivers;
    }

    @Override
    public DoFn<Object, Object>.ProcessContext processContext(DoFn<Object, Object> doFn) {
      return context;
    }

    @Override
    public DoFn.BundleFinalizer bundleFinalizer() {
      return finalizer;
    }

    @Override
    public String getErrorContext() {
      return "ProcessElement of " + fn.getClass().getName();
    }
  }

  /** The process context of the current element. */
  private final class ElementContext extends DoFn<Object, Object>.ProcessContext {
    ElementContext() {
      fn.super();
    }

    @Override
    public PipelineOptions getPipelineOptions() {
      return options;
    }

    @Override
    public Object element() {
      return element;
    }

    @Override
    public <T> T sideInput(PCollectionView<T> view) {
      throw new IllegalArgumentException(
          "calling sideInput() with unknown view " + view + ": the ParDo declares no side inputs");
    }

    @Override
    public Instant timestamp() {
      return current.getTimestamp();
    }

    @Override
    public PaneInfo pane() {
      return current.getPaneInfo();
    }

    @Override
    public String currentRecordId() {
      return current.getRecordId();
    }

    @Override
    public Long currentRecordOffset() {
      return current.getRecordOffset();
    }

    @Override
    public void output(Object output) {
      output(mainTag, output);
    }

    @Override
    public void outputWithTimestamp(Object output, Instant timestamp) {
      outputWithTimestamp(mainTag, output, timestamp);
    }

    @Override
    public void outputWindowedValue(
        Object output,
        Instant timestamp,
        Collection<? extends BoundedWindow> windows,
        PaneInfo pane) {
      outputWindowedValue(mainTag, output, timestamp, windows, pane);
    }

    @Override
    public <T> void output(TupleTag<T> tag, T output) {
      sendLikeCurrent(requireTag(tag), output);
    }

    @Override
    public <T> void outputWithTimestamp(TupleTag<T> tag, T output, Instant timestamp) {
      sendWithTimestamp(
          requireTag(tag), output, timestamp, current.getWindows(), current.getPaneInfo());
    }

    @Override
    public <T> void outputWindowedValue(
        TupleTag<T> tag,
        T output,
        Instant timestamp,
        Collection<? extends BoundedWindow> windows,
        PaneInfo pane) {
      sendWithTimestamp(requireTag(tag), output, timestamp, windows, pane);
    }

    private TupleTag<?> requireTag(TupleTag<?> tag) {
      if (tag == null) {
        throw new NullPointerException("Tag passed to output cannot be null");
      }
      return tag;
    }
  }

  /** The arguments of {@code @StartBundle} and {@code @FinishBundle}. */
  private final class BundleArguments extends DoFnInvoker.BaseArgumentProvider<Object, Object> {
    private final String method;

    BundleArguments(String method) {
      this.method = method;
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public DoFn<Object, Object>.StartBundleContext startBundleContext(DoFn<Object, Object> doFn) {
      return fn.new StartBundleContext() {
        @Override
        public PipelineOptions getPipelineOptions() {
          return options;
        }
      };
    }

    @Override
    public DoFn<Object, Object>.FinishBundleContext finishBundleContext(
        DoFn<Object, Object> doFn) {
      return fn.new FinishBundleContext() {
        @Override
        public PipelineOptions getPipelineOptions() {
          return options;
        }

        @Override
        public void output(Object output, Instant timestamp, BoundedWindow window) {
          send(mainTag, WindowedValues.of(output, timestamp, window, PaneInfo.NO_FIRING));
        }

        @Override
        public <T> void output(TupleTag<T> tag, T output, Instant timestamp, BoundedWindow window) {
          send(tag, WindowedValues.of(output, timestamp, window, PaneInfo.NO_FIRING));
        }
      };
    }

    @Override
    public DoFn.BundleFinalizer bundleFinalizer() {
      return finalizer;
    }

    @Override
    public String getErrorContext() {
      return method + " of " + fn.getClass().getName();
    }
  }
}
