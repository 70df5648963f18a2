package dev.microbatch.translation.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/** Plumbing shared by the steps that run DoFns through beam-runners-core. */
final class StepSupport {

  private StepSupport() {}

  /**
   * Routes a DoFn runner's outputs, by tag, to the step's receivers. A DoFn mostly outputs to one
   * tag, the same instance each time, so the receiver of the tag used last is kept at hand rather
   * than looked up per element.
   */
  static WindowedValueMultiReceiver receiverFor(StepEnvironment environment) {
    Map<TupleTag<?>, Receiver> outputs = environment.outputs();
    return new WindowedValueMultiReceiver() {
      private TupleTag<?> lastTag;
      private Receiver lastReceiver;

      @Override
      public <T> void output(TupleTag<T> tag, WindowedValue<T> output) {
        try {
          if (tag != lastTag) {
            lastReceiver = outputs.getOrDefault(tag, Receiver.DISCARD);
            lastTag = tag;
          }
          lastReceiver.accept(output);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }
    };
  }

  /** A side-input reader over this batch's contents of {@code views}. */
  static BatchSideInputReader sideInputReader(
      List<PCollectionView<?>> views, StepEnvironment environment) {
    Map<String, PCollectionView<?>> viewsByTag = new HashMap<>();
    for (PCollectionView<?> view : views) {
      viewsByTag.put(view.getTagInternal().getId(), view);
    }
    return new BatchSideInputReader(viewsByTag, environment.sideInputs());
  }

  /** Runs the bundle's finalization callbacks once the batch has committed, if not expired. */
  static void finalizeAfterCommit(InMemoryBundleFinalizer finalizer, StepEnvironment environment) {
    for (InMemoryBundleFinalizer.Finalization finalization : finalizer.getAndClearFinalizations()) {
      environment
          .task()
          .afterCommit(
              () -> {
                if (Instant.now().isBefore(finalization.getExpiryTime())) {
                  finalization.getCallback().onBundleSuccess();
                }
              });
    }
  }
}
