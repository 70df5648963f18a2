package dev.microbatch.io.kafka;

import java.io.Serializable;
import org.apache.kafka.common.TopicPartition;

/**
 * The slice of one topic partition that one batch reads: offsets {@code [from, until)}. Fixed when
 * the batch starts, so that a batch that runs again reads exactly the same records.
 */
public record OffsetRange(TopicPartition partition, long from, long until) implements Serializable {

  public OffsetRange {
    if (until < from) {
      throw new IllegalArgumentException(
          "Offset range of " + partition + " ends (" + until + ") before it starts (" + from + ")");
    }
  }

  /** Offsets in the range; fewer records may come back (compaction, transaction markers). */
  public long size() {
    return until - from;
  }

  @Override
  public String toString() {
    return partition + " [" + from + ", " + until + ")";
  }
}
