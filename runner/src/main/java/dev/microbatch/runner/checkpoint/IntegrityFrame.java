package dev.microbatch.runner.checkpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The frame around every file in a checkpoint directory, so that a damaged file is refused rather
 * than read: a 20-byte header (magic number, format version, content length, CRC32C) and then the
 * content. The checksum covers the header's first three fields and the content, so a flipped byte
 * anywhere, or a file cut short, is found before any of it is decoded.
 */
public final class IntegrityFrame {

  static final int HEADER_BYTES = 4 + 4 + 8 + 4;

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
      throw new DamagedFileException(
          file, String.format("it does not start as a %s file (magic %08x)", format.kind(), magic));
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
      throw new DamagedFileException(
          file,
          "it is a "
              + format.kind()
              + " file of format version "
              + version
              + "; this runner reads version "
              + format.version());
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
}
