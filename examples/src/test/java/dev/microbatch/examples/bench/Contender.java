package dev.microbatch.examples.bench;

/** What one run of the WordCount benchmark counts with: a runner, or plain Java for reference. */
sealed interface Contender permits Variant, PlainJavaCount {

  String label();

  /** A name usable as a directory and in {@code bench.variants}. */
  default String slug() {
    return label().replaceAll("[^A-Za-z]+", "-").replaceAll("-$", "").toLowerCase();
  }
}
