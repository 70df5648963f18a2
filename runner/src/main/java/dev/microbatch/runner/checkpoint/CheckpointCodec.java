package dev.microbatch.runner.checkpoint;

import static dev.microbatch.runner.state.Frames.readBytes;
import static dev.microbatch.runner.state.Frames.writeBytes;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StateCheckpointCodec;
import dev.microbatch.runner.state.StoreChanges;
import dev.microbatch.runner.state.StoreId;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The binary form of checkpoints and pending batches: their fields, sealed in an {@link
 * IntegrityFrame} that tells the two kinds apart and refuses a damaged file before it is decoded.
 * A checkpoint is a streamed file, as its keyed state may be larger than the heap; a pending batch
 * is small and built whole.
 */
final class CheckpointCodec {

  // Version 1 had no integrity frame; version 2 held every keyed state store whole, as one blob;
  // version 3 was built in memory, whole, with its keyed state before the streams' states.
  static final FileFormat CHECKPOINT = new FileFormat("checkpoint", 0x4D42434B, 4); // "MBCK"
  static final FileFormat PENDING = new FileFormat("pending batch", 0x4D425042, 2); // "MBPB"

  private CheckpointCodec() {}

  /**
   * Writes {@code checkpoint} and its keyed state {@code stores} to {@code file} as a streamed
   * file, the state last and one key at a time; closes {@code file}.
   *
   * @return the bytes written
   */
  static long write(Checkpoint checkpoint, Map<StoreId, StoreChanges> stores, OutputStream file)
      throws IOException {
    IntegrityFrame.Sealing sealing = IntegrityFrame.sealing(CHECKPOINT, file);
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(sealing, 1 << 16))) {
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
      writeBytesMap(out, checkpoint.streamStates());
      StateCheckpointCodec.writeParent(out, checkpoint.stateParent());
      StateCheckpointCodec.writeStores(out, stores);
    }
    return sealing.fileBytes();
  }

  /**
   * The checkpoint at the start of {@code in}, the content of a checked checkpoint file; {@code in}
   * is left where its keyed state's stores begin ({@link StateCheckpointCodec#readStores}).
   */
  static Checkpoint readCheckpoint(DataInputStream in) throws IOException {
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
    Map<String, byte[]> streamStates = readBytesMap(in);
    Optional<Long> parent = StateCheckpointCodec.readParent(in);
    return new Checkpoint(
        time, new PipelineShape(parallelism, streams), positions, watermarks, parent, streamStates);
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
