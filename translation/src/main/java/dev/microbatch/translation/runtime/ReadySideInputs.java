package dev.microbatch.translation.runtime;

import java.util.function.BiPredicate;
import org.apache.beam.runners.core.ReadyCheckingSideInputReader;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;

/** A side-input reader that also says, by a given rule, whether a view's window is ready. */
final class ReadySideInputs implements ReadyCheckingSideInputReader {

  private final BatchSideInputReader reader;
  private final BiPredicate<PCollectionView<?>, BoundedWindow> ready;

  ReadySideInputs(
      BatchSideInputReader reader, BiPredicate<PCollectionView<?>, BoundedWindow> ready) {
    this.reader = reader;
    this.ready = ready;
  }

  @Override
  public boolean isReady(PCollectionView<?> view, BoundedWindow window) {
    return ready.test(view, window);
  }

  @Override
  public <T> T get(PCollectionView<T> view, BoundedWindow window) {
    return reader.get(view, window);
  }

  @Override
  public <T> boolean contains(PCollectionView<T> view) {
    return reader.contains(view);
  }

  @Override
  public boolean isEmpty() {
    return reader.isEmpty();
  }
}
