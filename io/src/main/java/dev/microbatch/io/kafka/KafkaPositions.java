package dev.microbatch.io.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;

/**
 * The direct Kafka input's checkpoint data as bytes: a list of offset ranges (a batch's slice, or,
 * as empty ranges at the next offset, the positions of the partitions in their order), for
 * positions each partition's watermark (its timestamp policy continues from it), and the number of
 * offsets delivered so far (for {@code withMaxNumRecords}).
 */
record KafkaPositions(List<OffsetRange> ranges, List<Instant> watermarks, long delivered) {

  KafkaPositions {
    ranges = List.copyOf(ranges);
    watermarks = List.copyOf(watermarks);
  }

  byte[] encode() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(delivered);
    out.writeInt(ranges.size());
    for (OffsetRange range : ranges) {
      out.writeUTF(range.partition().topic());
      out.writeInt(range.partition().partition());
      out.writeLong(range.from());
      out.writeLong(range.until());
    }
    out.writeInt(watermarks.size());
    for (Instant watermark : watermarks) {
      out.writeLong(watermark.getMillis());
    }
    out.flush();
    return bytes.toByteArray();
  }

  static KafkaPositions decode(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    long delivered = in.readLong();
    int count = in.readInt();
    List<OffsetRange> ranges = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      TopicPartition partition = new TopicPartition(in.readUTF(), in.readInt());
      ranges.add(new OffsetRange(partition, in.readLong(), in.readLong()));
    }
    int watermarkCount = in.readInt();
    List<Instant> watermarks = new ArrayList<>(watermarkCount);
    for (int i = 0; i < watermarkCount; i++) {
      watermarks.add(new Instant(in.readLong()));
    }
    return new KafkaPositions(ranges, watermarks, delivered);
  }
}
