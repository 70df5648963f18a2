package dev.microbatch.runner.dstream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.shuffle.BlockWriter;
import dev.microbatch.runner.shuffle.ElementCoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** A stage output held as an encoded block: read in write order, once per reader. */
public class BlockPartitionTest {

  private static final ElementCoder<String> UTF = WordsCodec.INSTANCE;

  private static BlockPartition<String> held(List<String> elements, int readers)
      throws Exception {
    BlockWriter<String> writer = BlockWriter.unkeyed("words", UTF);
    for (String element : elements) {
      writer.write(element);
    }
    return new BlockPartition<>(writer.finish().get(0), UTF, readers);
  }

  private static List<String> read(Partition<String> partition) throws Exception {
    List<String> read = new ArrayList<>();
    partition.forEach(read::add);
    return read;
  }

  @Test
  public void eachReaderGetsEveryElementInWriteOrder() throws Exception {
    List<String> elements = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      // Across several pages, a few elements long enough to fill much of one.
      elements.add(i % 10_000 == 0 ? "x".repeat(60_000) : "word" + i);
    }
    BlockPartition<String> partition = held(elements, 2);

    assertTrue(partition.materialized());
    assertEquals(elements, read(partition));
    assertEquals(elements, read(partition));
  }

  @Test
  public void aReadBeyondItsReadersFails() throws Exception {
    BlockPartition<String> partition = held(List.of("a", "b"), 1);
    assertEquals(List.of("a", "b"), read(partition));

    IllegalStateException error =
        assertThrows(IllegalStateException.class, () -> read(partition));
    assertEquals("A partition with 1 readers was read 2 times", error.getMessage());
  }

  @Test
  public void anEmptyOutputReadsAsNothing() throws Exception {
    assertEquals(List.of(), read(held(List.of(), 1)));
  }
}
