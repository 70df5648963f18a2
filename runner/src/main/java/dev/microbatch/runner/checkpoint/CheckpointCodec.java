package dev.microbatch.runner.checkpoint;

import static dev.microbatch.runner.state.Frames.readBytes;
import static dev.microbatch.runner.state.Frames.writeBytes;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StoreId;
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
 * The binary form of checkpoints and pending batches: a magic number and version, then the fields.
 * A file that does not start with the magic number, or ends early, is rejected rather than read.
 */
final class CheckpointCodec {

  private static final int CHECKPOINT_MAGIC = 0x4D42434B; // "MBCK"
  private static final int PENDING_MAGIC = 0x4D425042; // "MBPB"
  private static final int VERSION = 1;

  private CheckpointCodec() {}

  static byte[] encode(Checkpoint checkpoint) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(CHECKPOINT_MAGIC);
    out.writeInt(VERSION);
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
    out.writeInt(checkpoint.stateStores().size());
    for (Map.Entry<StoreId, byte[]> store : checkpoint.stateStores().entrySet()) {
      out.writeUTF(store.getKey().stage());
      out.writeInt(store.getKey().partition());
      writeBytes(out, store.getValue());
    }
    writeBytesMap(out, checkpoint.streamStates());
    out.writeInt(CHECKPOINT_MAGIC);
    out.flush();
    return bytes.toByteArray();
  }

  static Checkpoint decodeCheckpoint(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    expect(in, CHECKPOINT_MAGIC);
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
    int storeCount = in.readInt();
    Map<StoreId, byte[]> stores = new LinkedHashMap<>();
    for (int i = 0; i < storeCount; i++) {
      stores.put(new StoreId(in.readUTF(), in.readInt()), readBytes(in));
    }
    Map<String, byte[]> streamStates = readBytesMap(in);
    if (in.readInt() != CHECKPOINT_MAGIC) {
      throw new IOException("checkpoint trailer missing");
    }
    return new Checkpoint(
        time, new PipelineShape(parallelism, streams), positions, watermarks, stores, streamStates);
  }

  static byte[] encode(PendingBatch pending) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(PENDING_MAGIC);
    out.writeInt(VERSION);
    out.writeLong(pending.time().millis());
    writeBytesMap(out, pending.slices());
    out.writeInt(PENDING_MAGIC);
    out.flush();
    return bytes.toByteArray();
  }

  static PendingBatch decodePending(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    expect(in, PENDING_MAGIC);
    BatchTime time = new BatchTime(in.readLong());
    Map<String, byte[]> slices = readBytesMap(in);
    if (in.readInt() != PENDING_MAGIC) {
      throw new IOException("pending batch trailer missing");
    }
    return new PendingBatch(time, slices);
  }

  private static void expect(DataInputStream in, int magic) throws IOException {
    if (in.readInt() != magic) {
      throw new IOException("not a MicroBatchRunner checkpoint file");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("checkpoint format version " + version + ", expected " + VERSION);
    }
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
