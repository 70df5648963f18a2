package dev.microbatch.runner.shuffle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/** What the reduce side of an encoded shuffle hands over, and in which order. */
public class KeyGroupsTest {

  /** Elements "key=value"; the key is the part before '='. */
  private static final KeyExtractor<String> KEY =
      element -> new KeyBytes(element.split("=", 2)[0].getBytes(StandardCharsets.ISO_8859_1));

  private static final ElementCoder<String> STRINGS =
      new ElementCoder<>() {
        @Override
        public void encode(String element, OutputStream out) throws IOException {
          byte[] bytes = element.getBytes(StandardCharsets.ISO_8859_1);
          DataOutputStream data = new DataOutputStream(out);
          data.writeInt(bytes.length);
          data.write(bytes);
          data.flush();
        }

        @Override
        public String decode(InputStream in) throws IOException {
          DataInputStream data = new DataInputStream(in);
          byte[] bytes = new byte[data.readInt()];
          data.readFully(bytes);
          return new String(bytes, StandardCharsets.ISO_8859_1);
        }
      };

  /** Writes each map task's elements into one partition's blocks. */
  private static List<EncodedBlock> mapTasks(List<List<String>> tasks) throws Exception {
    List<EncodedBlock> blocks = new ArrayList<>();
    for (List<String> task : tasks) {
      BlockWriter<String> writer = new BlockWriter<>("shuffle", KEY, STRINGS, 1);
      for (String element : task) {
        writer.write(element);
      }
      blocks.addAll(writer.finish());
    }
    return blocks;
  }

  private static List<Keyed<String>> read(List<EncodedBlock> blocks) throws Exception {
    List<Keyed<String>> read = new ArrayList<>();
    KeyGroups.read(blocks, STRINGS, read::add);
    return read;
  }

  private static List<String> elements(List<Keyed<String>> keyed) {
    return keyed.stream().map(Keyed::element).toList();
  }

  @Test
  public void aKeysElementsComeTogetherInTheOrderTheMapTasksWroteThem() throws Exception {
    List<Keyed<String>> read =
        read(mapTasks(List.of(List.of("a=1", "b=1", "a=2"), List.of("b=2", "a=3", "c=1"))));

    List<String> elements = elements(read);
    assertEquals(6, elements.size());
    for (String key : List.of("a", "b", "c")) {
      List<String> ofKey = elements.stream().filter(e -> e.startsWith(key + "=")).toList();
      int first = elements.indexOf(ofKey.get(0));
      assertEquals(
          "the elements of " + key + " one after another, in write order",
          ofKey,
          elements.subList(first, first + ofKey.size()));
    }
    assertEquals(
        List.of("a=1", "a=2", "a=3"), elements.stream().filter(e -> e.startsWith("a")).toList());
  }

  @Test
  public void aKeysElementsShareOneKeyWithTheBytesTheyWerePartitionedBy() throws Exception {
    List<Keyed<String>> read = read(mapTasks(List.of(List.of("a=1"), List.of("a=2"))));

    assertSame(read.get(0).key(), read.get(1).key());
    assertEquals(new KeyBytes(new byte[] {'a'}), read.get(0).key());
  }

  @Test
  public void keysWithTheSameHashStayApart() throws Exception {
    // {0, 31} and {1, 0} have the same Arrays.hashCode, so they sort side by side.
    String first = new String(new byte[] {0, 31}, StandardCharsets.ISO_8859_1);
    String second = new String(new byte[] {1, 0}, StandardCharsets.ISO_8859_1);
    assertEquals(
        Arrays.hashCode(first.getBytes(StandardCharsets.ISO_8859_1)),
        Arrays.hashCode(second.getBytes(StandardCharsets.ISO_8859_1)));

    List<Keyed<String>> read =
        read(
            mapTasks(
                List.of(List.of(first + "=1", second + "=1", first + "=2", second + "=2"))));

    assertEquals(
        List.of(first + "=1", first + "=2", second + "=1", second + "=2"), elements(read));
    assertSame(read.get(0).key(), read.get(1).key());
    assertSame(read.get(2).key(), read.get(3).key());
  }

  @Test
  public void anElementLargerThanAPageIsWrittenWhole() throws Exception {
    String big = "k=" + "x".repeat(BlockWriter.MAX_PAGE_BYTES * 2);

    List<String> read = elements(read(mapTasks(List.of(List.of("k=small", big, "k=last")))));

    assertEquals(List.of("k=small", big, "k=last"), read);
  }

  @Test
  public void manyElementsFillManyPagesAndAllComeBack() throws Exception {
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      written.add("key" + (i % 1_000) + "=" + i);
    }

    List<Keyed<String>> read = read(mapTasks(List.of(written)));

    assertEquals(written.size(), read.size());
    assertEquals(
        written.stream().sorted().toList(), elements(read).stream().sorted().toList());
    long keyChanges = 0;
    for (int i = 1; i < read.size(); i++) {
      keyChanges += read.get(i).key() == read.get(i - 1).key() ? 0 : 1;
    }
    assertEquals("each of 1,000 keys begins once", 999, keyChanges);
  }

  @Test
  public void anElementItsCoderCannotEncodeFailsNamingTheShuffleAndTheElement() {
    BlockWriter<String> writer =
        new BlockWriter<>(
            "Count/GroupByKey/Shuffle",
            KEY,
            new ElementCoder<>() {
              @Override
              public void encode(String element, OutputStream out) throws IOException {
                throw new IOException("not encodable");
              }

              @Override
              public String decode(InputStream in) {
                throw new UnsupportedOperationException();
              }
            },
            1);

    IOException e = assertThrows(IOException.class, () -> writer.write("a=bad"));

    assertEquals(
        "Count/GroupByKey/Shuffle could not encode an element with its PCollection's coder: a=bad",
        e.getMessage());
    assertEquals("not encodable", e.getCause().getMessage());
  }

  @Test
  public void emptyBlocksHandOverNothing() throws Exception {
    assertEquals(List.of(), read(mapTasks(List.of(List.of(), List.of()))));
  }

  @Test
  public void eachElementGoesToThePartitionOfItsKey() throws Exception {
    BlockWriter<String> writer = new BlockWriter<>("shuffle", KEY, STRINGS, 3);
    List<String> written = List.of("a=1", "b=1", "c=1", "d=1", "a=2");
    for (String element : written) {
      writer.write(element);
    }
    List<EncodedBlock> blocks = writer.finish();

    assertEquals(3, blocks.size());
    for (int p = 0; p < 3; p++) {
      for (Keyed<String> keyed : read(List.of(blocks.get(p)))) {
        assertEquals(keyed.element(), p, keyed.key().partition(3));
      }
    }
    assertEquals(written.size(), blocks.stream().mapToInt(EncodedBlock::records).sum());
  }
}
