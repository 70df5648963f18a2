package dev.microbatch.runner.shuffle;

import java.util.List;

/**
 * What one map task wrote for one reduce partition: records of {@code [key length][key][value
 * length][value]} (lengths as 4-byte big-endian ints), packed into pages that each hold whole
 * records. Bytes rather than objects: a batch's shuffled data is a few large arrays for the garbage
 * collector, not several objects per element that every young collection would copy.
 *
 * @param pages the pages, in write order
 * @param used how many bytes of each page hold records
 * @param records how many records the block holds
 */
public record EncodedBlock(List<byte[]> pages, int[] used, int records) {

  public static final EncodedBlock EMPTY = new EncodedBlock(List.of(), new int[0], 0);

  public EncodedBlock {
    pages = List.copyOf(pages);
  }

  /** Receives a block's values. */
  @FunctionalInterface
  public interface ValueSink<T> {
    void accept(T value) throws Exception;
  }

  /** Decodes the block's values in the order they were written, ignoring their keys. */
  public <T> void forEachValue(ElementCoder<T> coder, ValueSink<? super T> sink) throws Exception {
    ByteRangeInput input = new ByteRangeInput();
    for (int p = 0; p < pages.size(); p++) {
      byte[] page = pages.get(p);
      int offset = 0;
      while (offset < used[p]) {
        int valueAt = offset + 4 + readInt(page, offset);
        int valueLength = readInt(page, valueAt);
        input.reset(page, valueAt + 4, valueLength);
        sink.accept(coder.decode(input));
        offset = valueAt + 4 + valueLength;
      }
    }
  }

  static int readInt(byte[] page, int offset) {
    return ((page[offset] & 0xff) << 24)
        | ((page[offset + 1] & 0xff) << 16)
        | ((page[offset + 2] & 0xff) << 8)
        | (page[offset + 3] & 0xff);
  }

  static void writeInt(byte[] page, int offset, int value) {
    page[offset] = (byte) (value >>> 24);
    page[offset + 1] = (byte) (value >>> 16);
    page[offset + 2] = (byte) (value >>> 8);
    page[offset + 3] = (byte) value;
  }
}
