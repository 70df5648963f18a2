package dev.microbatch.runner.dstream;

import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.shuffle.BlockWriter;
import dev.microbatch.runner.shuffle.EncodedBlock;
import dev.microbatch.runner.shuffle.KeyBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.junit.Test;

/** A reduce partition of an encoded shuffle: read once, key by key. */
public class KeyGroupedPartitionTest {

  private static List<EncodedBlock> blocks(String... words) throws Exception {
    BlockWriter<String> writer =
        new BlockWriter<>(
            "shuffle",
            word -> new KeyBytes(word.getBytes(StandardCharsets.UTF_8)),
            WordsCodec.INSTANCE,
            1);
    for (String word : words) {
      writer.write(word);
    }
    return writer.finish();
  }

  @Test
  public void itIsReadOnceKeyByKeyAndASecondReadFails() throws Exception {
    List<EncodedBlock> blocks = new ArrayList<>(blocks("a", "b", "a"));
    blocks.addAll(blocks("b"));
    KeyGroupedPartition<String> partition =
        new KeyGroupedPartition<>(
            blocks, WordsCodec.INSTANCE, () -> BoundedWindow.TIMESTAMP_MAX_VALUE);

    List<String> read = new ArrayList<>();
    partition.forEach(keyed -> read.add(keyed.element()));

    assertTrue(
        read.equals(List.of("a", "a", "b", "b")) || read.equals(List.of("b", "b", "a", "a")));
    assertThrows(IllegalStateException.class, () -> partition.forEach(keyed -> {}));
  }
}
