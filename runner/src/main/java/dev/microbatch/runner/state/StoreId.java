package dev.microbatch.runner.state;

/** One keyed state store: the stage (and step) it belongs to and its partition. */
public record StoreId(String stage, int partition) {}
