package dev.microbatch.vrtests;

import java.util.Locale;

/** The execution modes of the suite; each has its own surefire execution and report directory. */
public enum Mode {
  BATCH,
  STREAMING;

  /** Lower-case name used in file names, in exclusions.txt and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code batch} / {@code streaming} (case-insensitive). */
  public static Mode parse(String s) {
    for (Mode m : values()) {
      if (m.id().equalsIgnoreCase(s.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("Unknown mode '" + s + "' (expected batch or streaming)");
  }
}
