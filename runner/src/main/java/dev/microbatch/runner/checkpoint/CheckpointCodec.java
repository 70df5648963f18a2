package dev.microbatch.runner.checkpoint;

import static dev.microbatch.runner.state.Frames.readBytes;
import static dev.microbatch.runner.state.Frames.writeBytes;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StateCheckpoint;
import dev.microbatch.runner.state.StateCheckpointCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of checkpoints and pending batches: their fields, sealed in an {@link
 * IntegrityFrame} that tells the two kinds apart and refuses a damaged file before it is decoded.
 */
final class CheckpointCodec {

  // Version 1 had no integrity frame; version 2 held every keyed state store whole, as one blob.
  static final FileFormat CHECKPOINT = new FileFormat("checkpoint", 0x4D42434B, 3); // "MBCK"
  static final FileFormat PENDING = new FileFormat("pending batch", 0x4D425042, 2); // "MBPB"

  private CheckpointCodec() {}

  static byte[] encode(Checkpoint checkpoint) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(checkpoint.time().millis());
    out.writeInt(checkpoint.shape().parallelism());
    out.writeInt(checkpoint.shape().streams().size());
    for (String stream : checkpoint.shape().streams()) {
      out.writeUTF(stream);
    }
    writeBytesMap(out, checkpoint.inputPositions());
    out.writeInt(checkpoint.watermarks().size());
    for (Map.Entry<String, Long> watermark : checkpoint.watermarks().entrySet()) {
      out.writeUTF(watermark.getKey());
      out.writeLong(watermark.getValue());
    }
    StateCheckpointCodec.write(out, checkpoint.state());
    writeBytesMap(out, checkpoint.streamStates());
    out.flush();
    return IntegrityFrame.seal(CHECKPOINT, bytes.toByteArray());
  }

  /** The checkpoint in {@code data}, read from {@code file}. */
  static Checkpoint decodeCheckpoint(String file, byte[] data) throws IOException {
    DataInputStream in = open(CHECKPOINT, file, data);
    BatchTime time = new BatchTime(in.readLong());
    int parallelism = in.readInt();
    int streamCount = in.readInt();
    List<String> streams = new ArrayList<>(streamCount);
    for (int i = 0; i < streamCount; i++) {
      streams.add(in.readUTF());
    }
    Map<String, byte[]> positions = readBytesMap(in);
    int watermarkCount = in.readInt();
    Map<String, Long> watermarks = new LinkedHashMap<>();
    for (int i = 0; i < watermarkCount; i++) {
      watermarks.put(in.readUTF(), in.readLong());
    }
    StateCheckpoint state = StateCheckpointCodec.read(in);
    Map<String, byte[]> streamStates = readBytesMap(in);
    return new Checkpoint(
        time, new PipelineShape(parallelism, streams), positions, watermarks, state, streamStates);
  }

  static byte[] encode(PendingBatch pending) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(pending.time().millis());
    writeBytesMap(out, pending.slices());
    out.flush();
    return IntegrityFrame.seal(PENDING, bytes.toByteArray());
  }

  /** The pending batch in {@code data}, read from {@code file}. */
  static PendingBatch decodePending(String file, byte[] data) throws IOException {
    DataInputStream in = open(PENDING, file, data);
    BatchTime time = new BatchTime(in.readLong());
    Map<String, byte[]> slices = readBytesMap(in);
    return new PendingBatch(time, slices);
  }

  private static DataInputStream open(FileFormat format, String file, byte[] data)
      throws DamagedFileException {
    return new DataInputStream(new ByteArrayInputStream(IntegrityFrame.open(format, file, data)));
  }

  private static void writeBytesMap(DataOutputStream out, Map<String, byte[]> map)
      throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, byte[]> entry : map.entrySet()) {
      out.writeUTF(entry.getKey());
      writeBytes(out, entry.getValue());
    }
  }

  private static Map<String, byte[]> readBytesMap(DataInputStream in) throws IOException {
    int count = in.readInt();
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      map.put(in.readUTF(), readBytes(in));
    }
    return map;
  }
}
