package dev.microbatch.io.kafka;

import java.io.Serializable;

/**
 * One of a task's offset ranges with its partition's end when the batch started (at or past the
 * range's end), which the timestamp policy sees as the read's backlog.
 */
record TaskRange(OffsetRange range, long latestOffset) implements Serializable {}
