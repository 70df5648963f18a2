package dev.microbatch.examples.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A large text whose words follow Zipf's law over a fixed vocabulary of made-up words, so that a
 * word count sees what it would see on prose: a few very frequent short words, a long tail of rare
 * ones, lines of about 80 characters, commas, full stops and capitalized sentence starts. Seeded,
 * so a given size is the same bytes on every run; generated once per size and reused.
 */
final class ZipfText {

  /** Bump when the generator changes, so that a cached file of the old kind is not reused. */
  private static final int VERSION = 1;

  private static final long SEED = 4242L;
  private static final int VOCABULARY_SIZE = 30_000;
  private static final double EXPONENT = 1.0;
  private static final int LINE_WIDTH = 80;
  private static final String[] SYLLABLES = {
    "a", "an", "ar", "be", "bo", "ca", "ce", "da", "de", "di", "do", "el", "en", "er", "fa", "fi",
    "ga", "go", "ha", "he", "in", "is", "ka", "ke", "la", "le", "li", "lo", "ma", "me", "mi", "mo",
    "na", "ne", "no", "on", "or", "pa", "pe", "ra", "re", "ri", "ro", "sa", "se", "si", "so", "ta",
    "te", "ti", "to", "th", "un", "ur", "va", "ve", "wa", "we", "ya", "yo", "za", "st", "ch", "qu",
  };

  private final String[] vocabulary;
  private final double[] cumulative;

  private ZipfText() {
    this.vocabulary = vocabulary();
    this.cumulative = new double[vocabulary.length];
    double sum = 0;
    for (int rank = 0; rank < vocabulary.length; rank++) {
      sum += 1.0 / Math.pow(rank + 1, EXPONENT);
      cumulative[rank] = sum;
    }
    for (int rank = 0; rank < vocabulary.length; rank++) {
      cumulative[rank] /= sum;
    }
  }

  /** The text of about {@code megabytes} MB in {@code directory}, generated if not there yet. */
  static Path ensure(Path directory, int megabytes) throws IOException {
    Path file = directory.resolve("zipf-v" + VERSION + "-" + megabytes + "mb.txt");
    if (Files.isRegularFile(file)) {
      return file;
    }
    Files.createDirectories(directory);
    Path partial = directory.resolve(file.getFileName() + ".partial");
    new ZipfText().write(partial, (long) megabytes * 1024 * 1024);
    return Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Unique made-up words of one to four syllables, shortest first: frequent words are short. */
  private static String[] vocabulary() {
    SplittableRandom random = new SplittableRandom(SEED);
    Set<String> words = new LinkedHashSet<>();
    while (words.size() < VOCABULARY_SIZE) {
      int syllables = 1 + random.nextInt(4);
      StringBuilder word = new StringBuilder();
      for (int s = 0; s < syllables; s++) {
        word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      words.add(word.toString());
    }
    List<String> byLength = new ArrayList<>(words);
    byLength.sort(Comparator.comparingInt(String::length));
    return byLength.toArray(new String[0]);
  }

  private String nextWord(SplittableRandom random) {
    int rank = Arrays.binarySearch(cumulative, random.nextDouble());
    return vocabulary[Math.min(rank < 0 ? -rank - 1 : rank, vocabulary.length - 1)];
  }

  private void write(Path file, long bytes) throws IOException {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    long written = 0;
    int lineLength = 0;
    int linesInParagraph = 0;
    boolean sentenceStart = true;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      StringBuilder token = new StringBuilder();
      while (written < bytes) {
        token.setLength(0);
        String word = nextWord(random);
        if (sentenceStart) {
          token.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
        } else {
          token.append(word);
        }
        int punctuation = random.nextInt(100);
        if (punctuation < 7) {
          token.append('.');
        } else if (punctuation < 13) {
          token.append(',');
        }
        if (lineLength > 0 && lineLength + 1 + token.length() > LINE_WIDTH) {
          out.write('\n');
          written++;
          lineLength = 0;
          // A paragraph ends after about 20 lines, at the end of a sentence.
          if (++linesInParagraph >= 20 && sentenceStart) {
            out.write('\n');
            written++;
            linesInParagraph = 0;
          }
        } else if (lineLength > 0) {
          out.write(' ');
          written++;
          lineLength++;
        }
        sentenceStart = punctuation < 7;
        out.append(token);
        written += token.length();
        lineLength += token.length();
      }
      out.write('\n');
    }
  }
}
