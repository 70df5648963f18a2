package dev.microbatch.runner.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * Length-prefixed frames, the one layout checkpoints use wherever bytes or coder-encoded values are
 * written one after another (state cells, timers, marks, positions).
 */
public final class Frames {

  private Frames() {}

  public static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  public static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return bytes;
  }

  /** {@code value} encoded with {@code coder}, in one frame. */
  public static <T> void writeValue(DataOutputStream out, Coder<T> coder, T value)
      throws IOException {
    writeBytes(out, CoderUtils.encodeToByteArray(coder, value));
  }

  public static <T> T readValue(DataInputStream in, Coder<T> coder) throws IOException {
    return CoderUtils.decodeFromByteArray(coder, readBytes(in));
  }

  /** A list of byte arrays as one array: a count, then a frame each. */
  public static byte[] encodeAll(List<byte[]> parts) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(parts.size());
    for (byte[] part : parts) {
      writeBytes(out, part);
    }
    out.flush();
    return bytes.toByteArray();
  }

  public static List<byte[]> decodeAll(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    int count = in.readInt();
    List<byte[]> parts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      parts.add(readBytes(in));
    }
    return parts;
  }
}
