package dev.microbatch.runner.shuffle;

import java.io.InputStream;

/** One record's value bytes in a page, as a stream, reused from record to record. */
final class PageInput extends InputStream {
  private byte[] page;
  private int position;
  private int end;

  void reset(byte[] page, int from, int length) {
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
