package dev.microbatch.runner.checkpoint;

/**
 * What kind of checkpoint file a sealed content is, and in which layout: the magic number that
 * tells the kinds apart and the format version its reader understands.
 *
 * @param kind what the file holds, for messages ("checkpoint", "pending batch")
 */
public record FileFormat(String kind, int magic, int version) {}
