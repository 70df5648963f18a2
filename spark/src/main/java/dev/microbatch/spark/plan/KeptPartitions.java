package dev.microbatch.spark.plan;

import dev.microbatch.runner.dstream.ElementsCodec;
import dev.microbatch.spark.task.Chunk;
import dev.microbatch.spark.task.StageResult;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joda.time.Instant;

/**
 * How the partitions of a stream read by several are kept on the executors between the job that
 * computes them and the jobs of their readers: as their elements' coder bytes. Spark ships a kept
 * block to a reader on another executor with Java serialization, which Beam elements do not
 * support; a block that cannot be shipped would be computed again there.
 *
 * <p>A stage's partition keeps each output read by a stream; an output nobody reads (no codec) is
 * dropped.
 */
final class KeptPartitions implements Serializable {

  /** One kept partition: each output's (or the stream's one) encoded elements, and watermark. */
  record Kept(List<byte[]> outputs, long watermarkMillis) implements Serializable {}

  private final boolean stage;
  /** By output index; an output nobody reads has none. */
  private final HashMap<Integer, ElementsCodec<Object>> codecs;

  private KeptPartitions(boolean stage, Map<Integer, ElementsCodec<Object>> codecs) {
    this.stage = stage;
    this.codecs = new HashMap<>(codecs);
  }

  /** For a stream whose partitions are {@link Chunk}s. */
  static KeptPartitions ofStream(ElementsCodec<Object> codec) {
    return new KeptPartitions(false, Map.of(0, codec));
  }

  /** For a stage whose partitions are {@link StageResult}s, with the codecs of its read outputs. */
  static KeptPartitions ofStage(Map<Integer, ElementsCodec<Object>> outputCodecs) {
    return new KeptPartitions(true, outputCodecs);
  }

  Kept keep(Object partition) throws IOException {
    List<List<Object>> outputs;
    Instant watermark;
    if (stage) {
      StageResult result = (StageResult) partition;
      outputs = result.byOutput();
      watermark = result.watermark();
    } else {
      Chunk chunk = (Chunk) partition;
      outputs = List.of(chunk.elements());
      watermark = chunk.watermark();
    }
    List<byte[]> encoded = new ArrayList<>(outputs.size());
    for (int i = 0; i < outputs.size(); i++) {
      ElementsCodec<Object> codec = codecs.get(i);
      encoded.add(codec == null ? new byte[0] : codec.encode(outputs.get(i)));
    }
    return new Kept(encoded, watermark.getMillis());
  }

  Object read(Kept kept) throws IOException {
    List<List<Object>> outputs = new ArrayList<>(kept.outputs().size());
    for (int i = 0; i < kept.outputs().size(); i++) {
      ElementsCodec<Object> codec = codecs.get(i);
      outputs.add(codec == null ? new ArrayList<>() : codec.decode(kept.outputs().get(i)));
    }
    Instant watermark = new Instant(kept.watermarkMillis());
    return stage ? new StageResult(outputs, watermark) : new Chunk(outputs.get(0), watermark);
  }
}
