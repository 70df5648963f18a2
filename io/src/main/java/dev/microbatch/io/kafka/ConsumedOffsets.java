package dev.microbatch.io.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Kafka inputs of one batch consume, per consumer group: the offset each partition will
 * stand at once the batch commits. A transactional sink commits these offsets in its transaction;
 * the input then leaves the group's offsets alone. Shared through the batch's attributes.
 */
public final class ConsumedOffsets {

  private final Map<String, List<OffsetRange>> byGroup = new LinkedHashMap<>();
  private volatile boolean committedInTransaction;

  synchronized void add(String groupId, List<OffsetRange> ranges) {
    byGroup.computeIfAbsent(groupId, g -> new ArrayList<>()).addAll(ranges);
  }

  /** Each group's ranges of this batch. */
  public synchronized Map<String, List<OffsetRange>> byGroup() {
    Map<String, List<OffsetRange>> copy = new LinkedHashMap<>();
    byGroup.forEach((group, ranges) -> copy.put(group, List.copyOf(ranges)));
    return copy;
  }

  /** Called by a sink whose committed transaction carried these offsets. */
  public void markCommittedInTransaction() {
    committedInTransaction = true;
  }

  boolean committedInTransaction() {
    return committedInTransaction;
  }
}
