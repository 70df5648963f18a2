package dev.microbatch.examples;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.joda.time.Instant;

/**
 * How often a word occurred in one window, as KafkaWordCount writes it: {@code word: count [start,
 * end)}, with the window's bounds as ISO-8601 instants in UTC, e.g. {@code river: 3
 * [2026-01-01T00:00:10.000Z, 2026-01-01T00:00:20.000Z)}.
 */
public record WindowedCount(String word, long count, Instant windowStart, Instant windowEnd) {

  private static final Pattern LINE = Pattern.compile("(\\S+): (\\d+) \\[(\\S+), (\\S+)\\)");

  /** The line written to the output topic. */
  public String format() {
    return word + ": " + count + " [" + windowStart + ", " + windowEnd + ")";
  }

  /** Reads back a line written by {@link #format()}. */
  public static WindowedCount parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("Not a windowed count: '" + line + "'");
    }
    return new WindowedCount(
        m.group(1),
        Long.parseLong(m.group(2)),
        Instant.parse(m.group(3)),
        Instant.parse(m.group(4)));
  }
}
