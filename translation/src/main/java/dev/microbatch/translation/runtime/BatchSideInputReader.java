package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.SideInput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.core.InMemoryMultimapSideInputView;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Materializations;
import org.apache.beam.sdk.transforms.ViewFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Reads side inputs from the materialized contents of their streams. For each view and batch, the
 * contents are grouped by window once (shared by all tasks); the view value of a window is computed
 * on first use by the view's {@link ViewFn}, from an iterable or a multimap as the view's
 * materialization asks. A window with no elements yields the value of an empty view.
 */
public final class BatchSideInputReader implements SideInputReader {

  private final Map<String, PCollectionView<?>> views;
  private final Map<String, SideInput> contents;

  public BatchSideInputReader(
      Map<String, PCollectionView<?>> viewsByTagId, Map<String, SideInput> contentsByTagId) {
    this.views = viewsByTagId;
    this.contents = contentsByTagId;
  }

  /** A view's values grouped by window, and the view values computed so far. */
  private static final class WindowedViewValues {
    final Map<BoundedWindow, List<Object>> byWindow;
    // Values are boxed: a view value may be null (a singleton of null), which the map cannot hold.
    final ConcurrentHashMap<BoundedWindow, ViewValue> viewValues = new ConcurrentHashMap<>();

    WindowedViewValues(Map<BoundedWindow, List<Object>> byWindow) {
      this.byWindow = byWindow;
    }
  }

  @Override
  public <T> T get(PCollectionView<T> view, BoundedWindow window) {
    String tagId = view.getTagInternal().getId();
    SideInput sideInput = contents.get(tagId);
    if (sideInput == null) {
      throw new IllegalArgumentException("Unknown side input " + view);
    }
    WindowedViewValues values = sideInput.derived(tagId, BatchSideInputReader::groupByWindow);
    @SuppressWarnings("unchecked")
    T result =
        (T)
            values
                .viewValues
                .computeIfAbsent(
                    window,
                    w -> new ViewValue(viewValue(view, values.byWindow.getOrDefault(w, List.of()))))
                .value();
    return result;
  }

  private record ViewValue(Object value) {}

  private static WindowedViewValues groupByWindow(List<Object> elements) {
    Map<BoundedWindow, List<Object>> byWindow = new HashMap<>();
    for (Object element : elements) {
      WindowedValue<?> wv = (WindowedValue<?>) element;
      for (BoundedWindow window : wv.getWindows()) {
        byWindow.computeIfAbsent(window, w -> new ArrayList<>()).add(wv.getValue());
      }
    }
    return new WindowedViewValues(byWindow);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object viewValue(PCollectionView<?> view, List<Object> values) {
    ViewFn viewFn = view.getViewFn();
    String urn = viewFn.getMaterialization().getUrn();
    if (Materializations.ITERABLE_MATERIALIZATION_URN.equals(urn)) {
      List<Object> snapshot = Collections.unmodifiableList(values);
      return viewFn.apply((Materializations.IterableView) () -> snapshot);
    }
    if (Materializations.MULTIMAP_MATERIALIZATION_URN.equals(urn)) {
      // The view's element coder survives serialization (its PCollection does not).
      Coder<?> keyCoder = ((KvCoder<?, ?>) view.getCoderInternal()).getKeyCoder();
      Iterable kvs = values;
      return viewFn.apply(InMemoryMultimapSideInputView.fromIterable((Coder) keyCoder, kvs));
    }
    throw new IllegalStateException(
        "Side input " + view + " uses unsupported materialization " + urn);
  }

  @Override
  public <T> boolean contains(PCollectionView<T> view) {
    return views.containsKey(view.getTagInternal().getId());
  }

  @Override
  public boolean isEmpty() {
    return views.isEmpty();
  }
}
