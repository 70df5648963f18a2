package dev.microbatch.runner.shuffle;

/** An element on the reduce side of a shuffle, with the encoded key it was partitioned by. */
public record Keyed<T>(KeyBytes key, T element) {}
