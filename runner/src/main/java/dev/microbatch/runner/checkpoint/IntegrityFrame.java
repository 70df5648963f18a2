package dev.microbatch.runner.checkpoint;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The frame around every file in a checkpoint directory, so that a damaged file is refused rather
 * than read, in two forms:
 *
 * <ul>
 *   <li>whole ({@link #seal}, {@link #open}), for files built in memory: a 20-byte header (magic
 *       number, format version, content length, CRC32C) and then the content;
 *   <li>streamed ({@link #sealing}, {@link #verify}, {@link #content}), for files too large to
 *       build in memory (keyed state): an 8-byte head (magic number, format version), the content,
 *       and a 16-byte trailer (content length, CRC32C, the magic number again), so that the file is
 *       written as it is produced and checked in one pass before it is decoded in another.
 * </ul>
 *
 * <p>The checksum covers the magic number, the version and the content (and the whole form's
 * length), so a flipped byte anywhere, or a file cut short, is found before any of it is decoded.
 */
public final class IntegrityFrame {

  static final int HEADER_BYTES = 4 + 4 + 8 + 4;
  static final int HEAD_BYTES = 4 + 4;
  static final int TRAILER_BYTES = 8 + 4 + 4;

  private IntegrityFrame() {}

  /** {@code content} framed as a file of {@code format}. */
  public static byte[] seal(FileFormat format, byte[] content) {
    ByteBuffer framed = ByteBuffer.allocate(HEADER_BYTES + content.length);
    framed.putInt(format.magic()).putInt(format.version()).putLong(content.length);
    framed.putInt(checksum(framed.array(), content));
    framed.put(content);
    return framed.array();
  }

  /**
   * The content of {@code data}, read from {@code file}, after checking that it is an intact file
   * of {@code format}.
   *
   * @throws DamagedFileException naming {@code file} and what is wrong with it
   */
  public static byte[] open(FileFormat format, String file, byte[] data)
      throws DamagedFileException {
    if (data.length < HEADER_BYTES) {
      throw new DamagedFileException(
          file,
          "it has "
              + data.length
              + " bytes, fewer than the "
              + HEADER_BYTES
              + "-byte header of a "
              + format.kind()
              + " file (truncated)");
    }
    ByteBuffer header = ByteBuffer.wrap(data, 0, HEADER_BYTES);
    int magic = header.getInt();
    int version = header.getInt();
    long length = header.getLong();
    int stored = header.getInt();
    if (magic != format.magic()) {
      throw notA(format, file, magic);
    }
    long held = data.length - HEADER_BYTES;
    if (length != held) {
      throw new DamagedFileException(
          file,
          "its header announces "
              + length
              + " bytes of content and it holds "
              + held
              + (held < length ? " (truncated)" : ""));
    }
    byte[] content = Arrays.copyOfRange(data, HEADER_BYTES, data.length);
    int computed = checksum(data, content);
    if (computed != stored) {
      throw new DamagedFileException(
          file,
          String.format(
              "its CRC32C checksum is %08x, the header says %08x (altered bytes)",
              computed, stored));
    }
    if (version != format.version()) {
      throw otherVersion(format, file, version);
    }
    return content;
  }

  /** CRC32C of the header's magic, version and length, then the content. */
  private static int checksum(byte[] headerBytes, byte[] content) {
    CRC32C crc = new CRC32C();
    crc.update(headerBytes, 0, HEADER_BYTES - 4);
    crc.update(content);
    return (int) crc.getValue();
  }

  /** A streamed file being written: its content goes through it, {@link #close} seals it. */
  public static final class Sealing extends FilterOutputStream {
    private final FileFormat format;
    private final CRC32C crc = new CRC32C();
    private long length;
    private boolean closed;

    private Sealing(FileFormat format, OutputStream out) throws IOException {
      super(out);
      this.format = format;
      byte[] head = ByteBuffer.allocate(HEAD_BYTES).putInt(format.magic()).putInt(format.version())
          .array();
      crc.update(head);
      out.write(head);
    }

    @Override
    public void write(int b) throws IOException {
      crc.update(b);
      length++;
      out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
      crc.update(bytes, offset, count);
      length += count;
      out.write(bytes, offset, count);
    }

    /** The bytes of the whole file, once closed. */
    public long fileBytes() {
      return HEAD_BYTES + length + TRAILER_BYTES;
    }

    /** Writes the trailer and closes the file. */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      out.write(
          ByteBuffer.allocate(TRAILER_BYTES)
              .putLong(length)
              .putInt((int) crc.getValue())
              .putInt(format.magic())
              .array());
      out.close();
    }
  }

  /** Writes a streamed file of {@code format} to {@code out}; closing the result seals it. */
  public static Sealing sealing(FileFormat format, OutputStream out) throws IOException {
    return new Sealing(format, out);
  }

  /**
   * Reads a streamed file of {@code format} from {@code in} to its end and checks that it is intact;
   * closes {@code in}.
   *
   * @throws DamagedFileException naming {@code file} and what is wrong with it
   */
  public static void verify(FileFormat format, String file, InputStream in) throws IOException {
    try (InputStream input = in) {
      CRC32C crc = new CRC32C();
      crc.update(head(format, file, input));
      // The last TRAILER_BYTES read are held back: they are the trailer, not content.
      byte[] window = new byte[(1 << 16) + TRAILER_BYTES];
      int held = 0;
      long length = 0;
      for (int n; (n = input.read(window, held, window.length - held)) > 0; ) {
        held += n;
        if (held > TRAILER_BYTES) {
          int content = held - TRAILER_BYTES;
          crc.update(window, 0, content);
          length += content;
          System.arraycopy(window, content, window, 0, TRAILER_BYTES);
          held = TRAILER_BYTES;
        }
      }
      ByteBuffer trailer = ByteBuffer.wrap(window, 0, TRAILER_BYTES);
      long announced = trailer.getLong();
      int stored = trailer.getInt();
      if (held < TRAILER_BYTES || trailer.getInt() != format.magic()) {
        throw new DamagedFileException(
            file, "it does not end with the trailer of a " + format.kind() + " file (truncated)");
      }
      if (announced != length) {
        throw new DamagedFileException(
            file,
            "its trailer announces "
                + announced
                + " bytes of content and it holds "
                + length
                + (length < announced ? " (truncated)" : ""));
      }
      int computed = (int) crc.getValue();
      if (computed != stored) {
        throw new DamagedFileException(
            file,
            String.format(
                "its CRC32C checksum is %08x, the trailer says %08x (altered bytes)",
                computed, stored));
      }
    }
  }

  /**
   * The content of a streamed file of {@code format}, read from {@code in} after its head: its
   * decoder reads no further than the content's end. Check the file with {@link #verify} first.
   */
  public static DataInputStream content(FileFormat format, String file, InputStream in)
      throws IOException {
    InputStream buffered = new BufferedInputStream(in, 1 << 16);
    head(format, file, buffered);
    return new DataInputStream(buffered);
  }

  /** Reads and checks the head of a streamed file. */
  private static byte[] head(FileFormat format, String file, InputStream in) throws IOException {
    byte[] head = new byte[HEAD_BYTES];
    try {
      new DataInputStream(in).readFully(head);
    } catch (EOFException e) {
      throw new DamagedFileException(
          file,
          "it has fewer bytes than the " + HEAD_BYTES + "-byte head of a " + format.kind()
              + " file (truncated)");
    }
    ByteBuffer fields = ByteBuffer.wrap(head);
    int magic = fields.getInt();
    int version = fields.getInt();
    if (magic != format.magic()) {
      throw notA(format, file, magic);
    }
    if (version != format.version()) {
      throw otherVersion(format, file, version);
    }
    return head;
  }

  private static DamagedFileException notA(FileFormat format, String file, int magic) {
    return new DamagedFileException(
        file, String.format("it does not start as a %s file (magic %08x)", format.kind(), magic));
  }

  private static DamagedFileException otherVersion(FileFormat format, String file, int version) {
    return new DamagedFileException(
        file,
        "it is a "
            + format.kind()
            + " file of format version "
            + version
            + "; this runner reads version "
            + format.version());
  }
}
