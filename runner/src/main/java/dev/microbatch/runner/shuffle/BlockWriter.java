package dev.microbatch.runner.shuffle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The map side of a shuffle for one task: encodes each element once and appends it, with its key,
 * to the block of the partition its key belongs to. Also writes a stream held encoded without
 * being shuffled, as one block ({@link #unkeyed}).
 */
public final class BlockWriter<T> {

  /**
   * Pages start small (a streaming batch shuffles a handful of elements) and double up to this
   * size, below the size at which the garbage collector treats an array as humongous on the
   * smallest heaps.
   */
  static final int MAX_PAGE_BYTES = 512 * 1024;

  private static final int FIRST_PAGE_BYTES = 4 * 1024;

  private static final KeyBytes NO_KEY = new KeyBytes(new byte[0]);

  private final String shuffle;
  private final KeyExtractor<T> keys;
  private final ElementCoder<T> coder;
  private final Target[] targets;
  private final Scratch scratch = new Scratch();

  /** A writer for the shuffle (or stream) named {@code shuffle} (named in errors). */
  public BlockWriter(
      String shuffle, KeyExtractor<T> keys, ElementCoder<T> coder, int numPartitions) {
    this.shuffle = shuffle;
    this.keys = keys;
    this.coder = coder;
    this.targets = new Target[numPartitions];
    for (int i = 0; i < numPartitions; i++) {
      targets[i] = new Target();
    }
  }

  /**
   * A writer of one block of elements without keys (every record's key is empty), for a stream
   * named {@code stream} that is held encoded rather than shuffled.
   */
  public static <T> BlockWriter<T> unkeyed(String stream, ElementCoder<T> coder) {
    return new BlockWriter<>(stream, element -> NO_KEY, coder, 1);
  }

  public void write(T element) throws Exception {
    KeyBytes key = keys.keyOf(element);
    scratch.reset();
    try {
      coder.encode(element, scratch);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          shuffle + " could not encode an element with its PCollection's coder: " + shown(element),
          e);
    }
    targets[key.partition(targets.length)].append(key.bytes(), scratch.buffer(), scratch.size());
  }

  /** An element as an error shows it: its first 200 characters. */
  private static String shown(Object element) {
    String text = String.valueOf(element);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** The blocks written, one per partition; the writer is done. */
  public List<EncodedBlock> finish() {
    List<EncodedBlock> blocks = new ArrayList<>(targets.length);
    for (Target target : targets) {
      blocks.add(target.finish());
    }
    return blocks;
  }

  /** The encoding of one element, reused for the next. */
  private static final class Scratch extends ByteArrayOutputStream {
    byte[] buffer() {
      return buf;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      // ByteArrayOutputStream's own is synchronized; nothing else sees this stream.
      if (count + len > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    @Override
    public void write(int b) {
      if (count == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[count++] = (byte) b;
    }
  }

  /** One partition's block while it is written. */
  private static final class Target {
    private final List<byte[]> pages = new ArrayList<>();
    private final List<Integer> used = new ArrayList<>();
    private byte[] page = new byte[0];
    private int position;
    private int records;

    void append(byte[] key, byte[] value, int valueLength) throws IOException {
      int length = 8 + key.length + valueLength;
      if (position + length > page.length) {
        nextPage(length);
      }
      EncodedBlock.writeInt(page, position, key.length);
      System.arraycopy(key, 0, page, position + 4, key.length);
      int valueAt = position + 4 + key.length;
      EncodedBlock.writeInt(page, valueAt, valueLength);
      System.arraycopy(value, 0, page, valueAt + 4, valueLength);
      position += length;
      records++;
    }

    private void nextPage(int atLeast) {
      if (!pages.isEmpty()) {
        used.add(position);
      }
      int next = pages.isEmpty() ? FIRST_PAGE_BYTES : Math.min(page.length * 2, MAX_PAGE_BYTES);
      int size = Math.max(atLeast, next);
      page = new byte[size];
      pages.add(page);
      position = 0;
    }

    EncodedBlock finish() {
      if (records == 0) {
        return EncodedBlock.EMPTY;
      }
      used.add(position);
      int[] usedBytes = used.stream().mapToInt(Integer::intValue).toArray();
      return new EncodedBlock(pages, usedBytes, records);
    }
  }
}
