package dev.microbatch.translation.translators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterSynchronizedProcessingTime;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, at translation, about windows that do not line up with batches when a processing-time
 * trigger decides their panes: such triggers fire only at batch boundaries, so a window size or
 * period that is not a multiple of the batch interval gives panes that straddle batches unevenly.
 */
final class BatchAlignment {

  private static final Logger LOG = LoggerFactory.getLogger(BatchAlignment.class);

  private BatchAlignment() {}

  /** The misalignments of {@code strategy} against {@code intervalMillis}; empty when none. */
  static List<String> misalignments(WindowingStrategy<?, ?> strategy, long intervalMillis) {
    List<String> problems = new ArrayList<>();
    if (!usesProcessingTime(strategy.getTrigger())) {
      return problems;
    }
    WindowFn<?, ?> windowFn = strategy.getWindowFn();
    if (windowFn instanceof FixedWindows fixed) {
      check("window size", fixed.getSize(), intervalMillis, problems);
    } else if (windowFn instanceof SlidingWindows sliding) {
      check("window size", sliding.getSize(), intervalMillis, problems);
      check("window period", sliding.getPeriod(), intervalMillis, problems);
    }
    return problems;
  }

  /** Logs one warning naming {@code transformName} if its input's windows are misaligned. */
  static void warnIfMisaligned(
      String transformName, WindowingStrategy<?, ?> strategy, long intervalMillis) {
    List<String> problems = misalignments(strategy, intervalMillis);
    if (!problems.isEmpty()) {
      LOG.warn(
          "{}: {} with processing-time trigger {}; processing-time triggers fire only at batch"
              + " boundaries, so panes will not line up with windows. Choose a multiple of"
              + " --batchIntervalMillis={}.",
          transformName,
          String.join(" and ", problems),
          strategy.getTrigger(),
          intervalMillis);
    }
  }

  private static void check(
      String what, Duration length, long intervalMillis, List<String> problems) {
    if (length.getMillis() % intervalMillis != 0) {
      problems.add(
          what
              + " "
              + length.getMillis()
              + " ms is not a multiple of the batch interval "
              + intervalMillis
              + " ms");
    }
  }

  private static boolean usesProcessingTime(Trigger trigger) {
    if (trigger instanceof AfterProcessingTime
        || trigger instanceof AfterSynchronizedProcessingTime) {
      return true;
    }
    for (Trigger sub : trigger.subTriggers()) {
      if (usesProcessingTime(sub)) {
        return true;
      }
    }
    return false;
  }
}
