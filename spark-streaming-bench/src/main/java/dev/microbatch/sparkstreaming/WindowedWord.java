package dev.microbatch.sparkstreaming;

import java.io.Serializable;

/**
 * The key of a count: a word in one fixed event-time window, named by the window's start (epoch
 * milliseconds). Spark partitions by its hash code, which a record derives from the word's.
 */
record WindowedWord(String word, long windowStart) implements Serializable {}
