package dev.microbatch.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small sample text, so that WordCount runs without a data file in the repository. The paragraphs
 * are shuffles of a fixed set of sentences with a fixed seed: the same bytes on every machine, so a
 * run's counts can be compared with the last one.
 */
final class SampleText {

  private static final long SEED = 20251121L;
  private static final int PARAGRAPHS = 12;
  private static final int SENTENCES_PER_PARAGRAPH = 6;

  private static final String[] SENTENCES = {
    "A micro-batch engine cuts an endless stream into small batches and runs each one like a tiny batch job.",
    "Every batch reads what arrived since the last one, computes its results, and commits them before the next begins.",
    "The watermark tells a window when no more early data is expected, and the window may then fire.",
    "Words are counted per key: the map side adds up its own words, the shuffle brings each word to one task.",
    "When the input is bounded, the batches run back to back and the pipeline ends once the last one commits.",
    "A river does not stop for the engineer, so the engineer learns to measure it in buckets.",
    "Small batches keep latency low; larger batches amortize the cost of scheduling and shuffling.",
    "If a task fails, the batch leaves nothing behind, and the same batch can simply run again.",
    "Counting words is the hello-world of data processing, and it is still a good test of a shuffle.",
    "Old lighthouse keepers counted ships, storms and nights; we count words, records and milliseconds.",
    "The quick brown fox jumps over the lazy dog while the scheduler waits for the next boundary.",
    "State lives with its key across batches, so a count can keep growing as new words arrive.",
  };

  private SampleText() {}

  /** The {@code n}-th sentence of an endless stream that cycles through the sample sentences. */
  static String sentence(long n) {
    return SENTENCES[(int) Math.floorMod(n, (long) SENTENCES.length)];
  }

  /** Writes the sample text to {@code file} (creating its directory) and returns the file. */
  static Path writeTo(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text(), StandardCharsets.UTF_8);
    return file;
  }

  static String text() {
    Random random = new Random(SEED);
    StringBuilder text = new StringBuilder();
    for (int p = 0; p < PARAGRAPHS; p++) {
      List<String> sentences = new ArrayList<>(List.of(SENTENCES));
      java.util.Collections.shuffle(sentences, random);
      text.append(wrap(String.join(" ", sentences.subList(0, SENTENCES_PER_PARAGRAPH)), 80));
      text.append('\n');
    }
    return text.toString();
  }

  /** Breaks a paragraph into lines of at most {@code width} characters where it can. */
  private static String wrap(String paragraph, int width) {
    StringBuilder out = new StringBuilder();
    int lineLength = 0;
    for (String word : paragraph.split(" ")) {
      if (lineLength > 0 && lineLength + 1 + word.length() > width) {
        out.append('\n');
        lineLength = 0;
      } else if (lineLength > 0) {
        out.append(' ');
        lineLength++;
      }
      out.append(word);
      lineLength += word.length();
    }
    return out.append('\n').toString();
  }
}
