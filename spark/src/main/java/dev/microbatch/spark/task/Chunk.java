package dev.microbatch.spark.task;

import java.util.List;
import org.joda.time.Instant;

/**
 * One partition of a stream on an executor, as the single element of its Spark partition: the
 * elements, and the partition's watermark (which a stage task reading it advances to). Never
 * serialized: where elements leave the JVM they are encoded with their stream's codec.
 */
public record Chunk(List<Object> elements, Instant watermark) {}
