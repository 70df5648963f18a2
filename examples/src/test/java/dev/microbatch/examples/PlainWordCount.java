package dev.microbatch.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The reference counts for tests and the benchmark: one thread, no Beam. {@link #count} uses no
 * regex: a word is a maximal run of code points for which {@link Character#isLetter(int)} holds,
 * which is what the pipeline's {@code [^\p{L}]+} split means, reached by a different road. {@link
 * #countSplitAsThePipelineDoes} splits with the pipeline's own expression, for the benchmark.
 */
public final class PlainWordCount {

  private PlainWordCount() {}

  public static Map<String, Long> count(Path file) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        countLine(line, counts);
      }
    }
    return counts;
  }

  /**
   * The same count with the pipeline's own split ({@link WordCount#forEachWord}, a regular
   * expression): what one thread does with the work each element of the pipeline does. It reads
   * the file as the many-thread count reads each share, so the two differ only in threads.
   */
  public static Map<String, Long> countSplitAsThePipelineDoes(Path file) throws IOException {
    return countLinesStartingIn(file, 0, Long.MAX_VALUE);
  }

  /**
   * {@link #countSplitAsThePipelineDoes} on {@code threads} threads: each counts the lines that
   * start in its share of the file's bytes into a map of its own, and the maps are merged at the
   * end. What the machine's cores give this work without a runner.
   */
  public static Map<String, Long> countSplitAsThePipelineDoes(Path file, int threads)
      throws Exception {
    long size = Files.size(file);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Map<String, Long>>> parts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        long from = size * i / threads;
        long until = size * (i + 1) / threads;
        parts.add(pool.submit(() -> countLinesStartingIn(file, from, until)));
      }
      Map<String, Long> total = new HashMap<>();
      for (Future<Map<String, Long>> part : parts) {
        part.get(30, TimeUnit.MINUTES).forEach((word, n) -> total.merge(word, n, Long::sum));
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The pipeline's split over the lines whose first byte lies in [from, until). */
  private static Map<String, Long> countLinesStartingIn(Path file, long from, long until)
      throws IOException {
    Map<String, Long> counts = new HashMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      // From the byte before the share: unless it ends a line, the line under way is the share
      // before's.
      long position = from == 0 ? 0 : from - 1;
      in.skipNBytes(position);
      boolean skipping = from > 0;
      long lineStart = position;
      byte[] buffer = new byte[1 << 16];
      byte[] line = new byte[256];
      int length = 0;
      int n;
      reading:
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          position++;
          if (b == '\n') {
            if (!skipping) {
              countWords(line, length, counts);
            }
            skipping = false;
            length = 0;
            lineStart = position;
            if (lineStart >= until) {
              break reading;
            }
          } else if (!skipping) {
            if (length == line.length) {
              line = Arrays.copyOf(line, 2 * length);
            }
            line[length++] = b;
          }
        }
      }
      if (!skipping && lineStart < until && length > 0) {
        countWords(line, length, counts);
      }
    }
    return counts;
  }

  private static void countWords(byte[] line, int length, Map<String, Long> counts) {
    WordCount.forEachWord(
        new String(line, 0, length, StandardCharsets.UTF_8), w -> counts.merge(w, 1L, Long::sum));
  }

  public static Map<String, Long> count(String text) {
    Map<String, Long> counts = new HashMap<>();
    text.lines().forEach(line -> countLine(line, counts));
    return counts;
  }

  private static void countLine(String line, Map<String, Long> counts) {
    int start = -1;
    int i = 0;
    while (i < line.length()) {
      int codePoint = line.codePointAt(i);
      if (Character.isLetter(codePoint)) {
        if (start < 0) {
          start = i;
        }
      } else if (start >= 0) {
        counts.merge(line.substring(start, i), 1L, Long::sum);
        start = -1;
      }
      i += Character.charCount(codePoint);
    }
    if (start >= 0) {
      counts.merge(line.substring(start), 1L, Long::sum);
    }
  }

  /** The first few differences between two counts, for assertion messages; empty if equal. */
  public static String differences(Map<String, Long> expected, Map<String, Long> actual) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      Long got = actual.get(e.getKey());
      if (!e.getValue().equals(got) && shown++ < 10) {
        out.append(String.format("%n  '%s': expected %d, got %s", e.getKey(), e.getValue(), got));
      }
    }
    for (Map.Entry<String, Long> e : actual.entrySet()) {
      if (!expected.containsKey(e.getKey()) && shown++ < 10) {
        out.append(String.format("%n  '%s': not expected, got %d", e.getKey(), e.getValue()));
      }
    }
    if (shown > 10) {
      out.append(String.format("%n  ... %d differences in all", shown));
    }
    return out.toString();
  }
}
