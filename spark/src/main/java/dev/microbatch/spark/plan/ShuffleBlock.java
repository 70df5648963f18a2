package dev.microbatch.spark.plan;

import java.io.Serializable;

/**
 * What one map task sends one reduce partition: the coder bytes of its elements with keys of that
 * partition (possibly none), and the map task's watermark. Every map task sends every reduce
 * partition a block, so a reduce partition's watermark is the minimum over all map tasks.
 */
record ShuffleBlock(int mapTask, long watermarkMillis, byte[] elements) implements Serializable {}
