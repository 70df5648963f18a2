package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.SideInputDStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Side inputs of a triggered PCollection: each window shows the latest firing, that is the elements
 * of the highest pane the window received in the latest batch that brought it any. An accumulating
 * trigger's latest pane has everything so far; a discarding one's has what arrived since the
 * previous firing.
 */
public final class LatestPaneRetention implements SideInputDStream.Retention<Object> {

  @Override
  public void update(List<Object> held, List<Object> arrived) {
    // A batch may carry several firings of a window (timers due at the boundary, then again
    // after its elements): only the latest pane of each window counts.
    Map<BoundedWindow, Long> latestPane = new HashMap<>();
    List<WindowedValue<?>> exploded = new ArrayList<>(arrived.size());
    for (Object element : arrived) {
      for (WindowedValue<?> single : ((WindowedValue<?>) element).explodeWindows()) {
        latestPane.merge(windowOf(single), single.getPaneInfo().getIndex(), Math::max);
        exploded.add(single);
      }
    }
    if (latestPane.isEmpty()) {
      return;
    }
    Set<BoundedWindow> refreshed = latestPane.keySet();
    // Elements are held exploded, one window each.
    held.removeIf(element -> refreshed.contains(windowOf((WindowedValue<?>) element)));
    for (WindowedValue<?> single : exploded) {
      if (single.getPaneInfo().getIndex() == latestPane.get(windowOf(single))) {
        held.add(single);
      }
    }
  }

  private static BoundedWindow windowOf(WindowedValue<?> single) {
    return single.getWindows().iterator().next();
  }
}
