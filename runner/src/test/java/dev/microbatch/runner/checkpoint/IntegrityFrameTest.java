package dev.microbatch.runner.checkpoint;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.Test;

/** The frame of checkpoint files: what it lets through, and every damage it refuses. */
public class IntegrityFrameTest {

  private static final FileFormat STATE = new FileFormat("state", 0x53544154, 3);
  private static final byte[] CONTENT =
      "positions, watermarks and keyed state".getBytes(StandardCharsets.UTF_8);

  @Test
  public void sealedContentOpensAsWritten() throws Exception {
    byte[] sealed = IntegrityFrame.seal(STATE, CONTENT);

    assertEquals(IntegrityFrame.HEADER_BYTES + CONTENT.length, sealed.length);
    assertArrayEquals(CONTENT, IntegrityFrame.open(STATE, "state-1", sealed));
    assertArrayEquals(
        new byte[0],
        IntegrityFrame.open(STATE, "empty", IntegrityFrame.seal(STATE, new byte[0])));
  }

  @Test
  public void everyFlippedByteIsRefusedNamingTheFile() {
    byte[] sealed = IntegrityFrame.seal(STATE, CONTENT);
    for (int at = 0; at < sealed.length; at++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] damaged = sealed.clone();
        damaged[at] ^= (byte) (1 << bit);
        DamagedFileException e =
            assertThrows(
                "byte " + at + " bit " + bit,
                DamagedFileException.class,
                () -> IntegrityFrame.open(STATE, "dir/state-7", damaged));
        assertEquals("dir/state-7", e.file());
        assertTrue(e.getMessage(), e.getMessage().startsWith("dir/state-7 is damaged: "));
      }
    }
  }

  @Test
  public void aFlippedContentByteIsReportedAsAChecksumMismatch() {
    byte[] damaged = IntegrityFrame.seal(STATE, CONTENT);
    damaged[IntegrityFrame.HEADER_BYTES + 5] ^= 0x10;

    DamagedFileException e =
        assertThrows(
            DamagedFileException.class, () -> IntegrityFrame.open(STATE, "state-1", damaged));

    assertTrue(e.reason(), e.reason().contains("CRC32C"));
  }

  @Test
  public void everyTruncationIsRefused() {
    byte[] sealed = IntegrityFrame.seal(STATE, CONTENT);
    for (int length = 0; length < sealed.length; length++) {
      byte[] truncated = Arrays.copyOf(sealed, length);
      DamagedFileException e =
          assertThrows(
              "cut to " + length + " bytes",
              DamagedFileException.class,
              () -> IntegrityFrame.open(STATE, "state-1", truncated));
      assertTrue(e.reason(), e.reason().contains("truncated"));
    }
  }

  @Test
  public void anotherKindOrFormatVersionIsRefusedNamingIt() {
    byte[] otherKind = IntegrityFrame.seal(new FileFormat("log", 0x4C4F4721, 3), CONTENT);
    byte[] otherVersion = IntegrityFrame.seal(new FileFormat("state", STATE.magic(), 2), CONTENT);

    String kind =
        assertThrows(
                DamagedFileException.class, () -> IntegrityFrame.open(STATE, "f", otherKind))
            .reason();
    String version =
        assertThrows(
                DamagedFileException.class, () -> IntegrityFrame.open(STATE, "f", otherVersion))
            .reason();

    assertTrue(kind, kind.contains("does not start as a state file"));
    assertTrue(version, version.contains("format version 2; this runner reads version 3"));
  }

  /** {@code content} written as a streamed file of {@code format}. */
  private static byte[] streamed(FileFormat format, byte[] content) throws Exception {
    java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
    try (IntegrityFrame.Sealing out = IntegrityFrame.sealing(format, file)) {
      out.write(content, 0, 5);
      out.write(content[5]);
      out.write(content, 6, content.length - 6);
    }
    return file.toByteArray();
  }

  private static void verify(String name, byte[] file) throws Exception {
    IntegrityFrame.verify(STATE, name, new java.io.ByteArrayInputStream(file));
  }

  @Test
  public void aStreamedFileIsCheckedWholeThenReadAsWritten() throws Exception {
    byte[] file = streamed(STATE, CONTENT);

    assertEquals(
        IntegrityFrame.HEAD_BYTES + CONTENT.length + IntegrityFrame.TRAILER_BYTES, file.length);
    verify("state-1", file);
    byte[] read = new byte[CONTENT.length];
    IntegrityFrame.content(STATE, "state-1", new java.io.ByteArrayInputStream(file))
        .readFully(read);
    assertArrayEquals(CONTENT, read);
  }

  @Test
  public void everyFlippedByteOfAStreamedFileIsRefusedNamingTheFile() throws Exception {
    byte[] file = streamed(STATE, CONTENT);
    for (int at = 0; at < file.length; at++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] damaged = file.clone();
        damaged[at] ^= (byte) (1 << bit);
        DamagedFileException e =
            assertThrows(
                "byte " + at + " bit " + bit,
                DamagedFileException.class,
                () -> verify("dir/state-7", damaged));
        assertTrue(e.getMessage(), e.getMessage().contains("dir/state-7"));
      }
    }
  }

  @Test
  public void aStreamedFileCutShortAnywhereIsRefusedAsTruncated() throws Exception {
    byte[] file = streamed(STATE, CONTENT);
    for (int length = 0; length < file.length; length++) {
      byte[] truncated = Arrays.copyOf(file, length);
      DamagedFileException e =
          assertThrows(
              "cut at " + length, DamagedFileException.class, () -> verify("state-1", truncated));
      assertTrue(e.reason(), e.reason().contains("truncated"));
    }
  }

  @Test
  public void aStreamedFileOfAnotherVersionIsRefusedSayingWhichItIs() throws Exception {
    byte[] otherVersion = streamed(new FileFormat("state", STATE.magic(), 2), CONTENT);

    String version =
        assertThrows(DamagedFileException.class, () -> verify("f", otherVersion)).reason();

    assertTrue(version, version.contains("format version 2; this runner reads version 3"));
  }
}
