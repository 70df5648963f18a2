package dev.microbatch.runner.shuffle;

import java.io.InputStream;

/**
 * A range of a byte array as a stream, moved from range to range (one record's value in a page,
 * the values of a bag); unlike ByteArrayInputStream, its reads are not synchronized.
 */
public final class ByteRangeInput extends InputStream {
  private byte[] page;
  private int position;
  private int end;

  /** Reads {@code length} bytes of {@code page} from {@code from} on. */
  public void reset(byte[] page, int from, int length) {
    this.page = page;
    this.position = from;
    this.end = from + length;
  }

  @Override
  public int read() {
    return position < end ? page[position++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int n = Math.min(len, end - position);
    System.arraycopy(page, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public long skip(long n) {
    int skipped = (int) Math.max(0, Math.min(n, end - position));
    position += skipped;
    return skipped;
  }

  @Override
  public int available() {
    return end - position;
  }
}
