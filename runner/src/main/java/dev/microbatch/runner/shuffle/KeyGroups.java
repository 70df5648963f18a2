package dev.microbatch.runner.shuffle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reduce side of a shuffle: reads one partition's blocks key by key. Each key's elements come
 * one after another, in the order they were written (map task, then element), sharing one {@link
 * KeyBytes}; a key never comes back. The records are ordered by sorting one {@code long} per record
 * (key hash, then position), so grouping holds no per-element objects; equal hashes of different
 * keys are told apart by their bytes.
 */
public final class KeyGroups {

  /** Receives the elements of a partition, grouped by key. */
  @FunctionalInterface
  public interface Sink<T> {
    void accept(Keyed<T> element) throws Exception;
  }

  private KeyGroups() {}

  public static <T> void read(List<EncodedBlock> blocks, ElementCoder<T> coder, Sink<T> sink)
      throws Exception {
    new Reader<>(blocks, coder, sink).read();
  }

  private static final class Reader<T> {
    private final ElementCoder<T> coder;
    private final Sink<T> sink;
    private final List<byte[]> pages = new ArrayList<>();
    /** Per record, in write order: page index (high half) and offset in the page (low half). */
    private final long[] where;
    /** Per record: key hash (high half) and write ordinal (low half); sorted, the read order. */
    private final long[] order;
    private final ByteRangeInput input = new ByteRangeInput();

    Reader(List<EncodedBlock> blocks, ElementCoder<T> coder, Sink<T> sink) {
      this.coder = coder;
      this.sink = sink;
      int records = 0;
      for (EncodedBlock block : blocks) {
        records += block.records();
      }
      where = new long[records];
      order = new long[records];
      int ordinal = 0;
      for (EncodedBlock block : blocks) {
        for (int p = 0; p < block.pages().size(); p++) {
          byte[] page = block.pages().get(p);
          int pageIndex = pages.size();
          pages.add(page);
          int offset = 0;
          while (offset < block.used()[p]) {
            int keyLength = EncodedBlock.readInt(page, offset);
            int hash = hash(page, offset + 4, keyLength);
            where[ordinal] = ((long) pageIndex << 32) | offset;
            order[ordinal] = ((long) hash << 32) | ordinal;
            ordinal++;
            int valueAt = offset + 4 + keyLength;
            offset = valueAt + 4 + EncodedBlock.readInt(page, valueAt);
          }
        }
      }
      Arrays.sort(order);
    }

    void read() throws Exception {
      int start = 0;
      while (start < order.length) {
        int hash = (int) (order[start] >> 32);
        int end = start + 1;
        while (end < order.length && (int) (order[end] >> 32) == hash) {
          end++;
        }
        if (sameKey(start, end)) {
          emitGroup(start, end, null);
        } else {
          emitCollidingKeys(start, end);
        }
        start = end;
      }
    }

    /** Whether records {@code [from, to)} of the read order all have the first one's key. */
    private boolean sameKey(int from, int to) {
      for (int i = from + 1; i < to; i++) {
        if (!keysEqual(order[from], order[i])) {
          return false;
        }
      }
      return true;
    }

    /** Keys that share a hash: each key's records in turn, in write order. */
    private void emitCollidingKeys(int from, int to) throws Exception {
      boolean[] done = new boolean[to - from];
      for (int i = from; i < to; i++) {
        if (!done[i - from]) {
          for (int j = i; j < to; j++) {
            done[j - from] |= keysEqual(order[i], order[j]);
          }
          emitGroup(i, to, order[i]);
        }
      }
    }

    /**
     * Emits records {@code [from, to)} of the read order that have {@code keyOf}'s key (all of them
     * when it is null), sharing one KeyBytes.
     */
    private void emitGroup(int from, int to, Long keyOf) throws Exception {
      KeyBytes key = null;
      for (int i = from; i < to; i++) {
        if (keyOf != null && !keysEqual(keyOf, order[i])) {
          continue;
        }
        long at = where[(int) order[i]];
        byte[] page = pages.get((int) (at >>> 32));
        int offset = (int) at;
        int keyLength = EncodedBlock.readInt(page, offset);
        if (key == null) {
          key = new KeyBytes(Arrays.copyOfRange(page, offset + 4, offset + 4 + keyLength));
        }
        int valueAt = offset + 4 + keyLength;
        input.reset(page, valueAt + 4, EncodedBlock.readInt(page, valueAt));
        sink.accept(new Keyed<>(key, coder.decode(input)));
      }
    }

    private boolean keysEqual(long a, long b) {
      long atA = where[(int) a];
      long atB = where[(int) b];
      byte[] pageA = pages.get((int) (atA >>> 32));
      byte[] pageB = pages.get((int) (atB >>> 32));
      int offA = (int) atA;
      int offB = (int) atB;
      int lengthA = EncodedBlock.readInt(pageA, offA);
      int lengthB = EncodedBlock.readInt(pageB, offB);
      return Arrays.equals(
          pageA, offA + 4, offA + 4 + lengthA, pageB, offB + 4, offB + 4 + lengthB);
    }
  }

  /** Arrays.hashCode over a range, so that it agrees with {@link KeyBytes#hashCode()}. */
  static int hash(byte[] bytes, int from, int length) {
    int hash = 1;
    for (int i = from; i < from + length; i++) {
      hash = 31 * hash + bytes[i];
    }
    return hash;
  }
}
