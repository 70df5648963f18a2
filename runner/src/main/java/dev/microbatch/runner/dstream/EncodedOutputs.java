package dev.microbatch.runner.dstream;

import dev.microbatch.runner.shuffle.ElementCoder;
import java.util.Map;

/**
 * Which outputs of a stage its tasks hold encoded rather than as lists of objects, by output index:
 * those that one encoding shuffle alone reads are written as that shuffle's blocks ({@link
 * ShuffleMapOutput}); those that only later stages and shuffles read are written as one block per
 * task ({@link BlockPartition}). The rest (read by no one, through a union, or into a side input's
 * list) stay lists.
 *
 * @param shuffles the shuffle that alone reads an output
 * @param blocks how an output read by later stages is encoded, and by how many readers
 */
public record EncodedOutputs(
    Map<Integer, ShuffledDStream<Object>> shuffles, Map<Integer, HeldEncoded> blocks) {

  /** Every output kept as a list. */
  public static final EncodedOutputs NONE = new EncodedOutputs(Map.of(), Map.of());

  /** An output held as encoded blocks: its elements' coder and how many streams read it. */
  public record HeldEncoded(ElementCoder<Object> coder, int readers) {}

  public EncodedOutputs {
    shuffles = Map.copyOf(shuffles);
    blocks = Map.copyOf(blocks);
  }
}
