package dev.microbatch.examples.bench;

import dev.microbatch.examples.PlainWordCount;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A plain Java count of the benchmark's text on one thread, timed in the same rounds as the runners
 * so that ratios compare medians taken on the same machine at the same time.
 */
record PlainJavaCount(String label, Counting counting) implements Contender {

  /** Counts the words of a file. */
  @FunctionalInterface
  interface Counting {
    Map<String, Long> count(Path input) throws IOException;
  }

  /** A hand-written letter scan: the fastest one thread does. */
  static final PlainJavaCount LETTER_SCAN =
      new PlainJavaCount("plain Java, letter scan", PlainWordCount::count);

  /** The pipeline's own split (a regular expression): the same work per line as the pipeline. */
  static final PlainJavaCount PIPELINE_SPLIT =
      new PlainJavaCount("plain Java, pipeline's split", PlainWordCount::countSplitAsThePipelineDoes);

  static final List<PlainJavaCount> BOTH = List.of(LETTER_SCAN, PIPELINE_SPLIT);

  Map<String, Long> count(Path input) throws IOException {
    return counting.count(input);
  }
}
