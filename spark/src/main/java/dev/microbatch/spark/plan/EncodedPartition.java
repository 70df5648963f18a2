package dev.microbatch.spark.plan;

import java.io.Serializable;

/** A partition crossing between driver and executors: its elements' coder bytes and watermark. */
record EncodedPartition(byte[] elements, long watermarkMillis) implements Serializable {}
