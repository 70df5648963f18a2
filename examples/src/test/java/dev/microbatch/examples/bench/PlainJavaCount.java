package dev.microbatch.examples.bench;

import dev.microbatch.examples.PlainWordCount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A plain Java count of the benchmark's text, timed in the same rounds as the runners so that
 * ratios compare medians taken on the same machine at the same time.
 */
record PlainJavaCount(String label, Counting counting) implements Contender {

  /** Counts the words of a file. */
  @FunctionalInterface
  interface Counting {
    Map<String, Long> count(Path input) throws Exception;
  }

  /** A hand-written letter scan on one thread: the fastest one thread does. */
  static final PlainJavaCount LETTER_SCAN =
      new PlainJavaCount("Java 1 thread, letter scan", PlainWordCount::count);

  /**
   * The pipeline's own split (a regular expression, {@code WordCount.forEachWord}) on one thread:
   * the same work per line as the pipeline.
   */
  static final PlainJavaCount PIPELINE_SPLIT =
      new PlainJavaCount(
          "Java 1 thread, regex split", PlainWordCount::countSplitAsThePipelineDoes);

  /**
   * The same on every core, each thread counting its share of the file into a map of its own:
   * what the cores give this work without a runner.
   */
  static final PlainJavaCount PIPELINE_SPLIT_ALL_CORES =
      new PlainJavaCount(
          "Java " + cores() + " threads, regex split",
          input -> PlainWordCount.countSplitAsThePipelineDoes(input, cores()));

  static final List<PlainJavaCount> ALL =
      List.of(LETTER_SCAN, PIPELINE_SPLIT, PIPELINE_SPLIT_ALL_CORES);

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  Map<String, Long> count(Path input) throws Exception {
    return counting.count(input);
  }
}
