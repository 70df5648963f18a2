package dev.microbatch.io.kafka;

import dev.microbatch.runner.scheduler.BatchTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * The bad-record output of a Kafka read with a bad-record error handler: the records of the current
 * batch that could not be deserialized, by reading task. The input's reading tasks add to it (each
 * owns its list); {@link KafkaBadRecordDStream} hands them to the
 * handler once the batch's ranges have been read.
 */
public final class BadRecordOutput {

  private Optional<BatchTime> batch = Optional.empty();
  private List<List<WindowedValue<BadRecord>>> byTask = List.of();

  /** Starts collecting for {@code batch}, whose ranges {@code tasks} tasks read. */
  synchronized void startBatch(BatchTime batch, int tasks) {
    this.batch = Optional.of(batch);
    List<List<WindowedValue<BadRecord>>> empty = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      empty.add(new ArrayList<>());
    }
    this.byTask = empty;
  }

  /** Collects the undecodable records of task {@code task} of the current batch. */
  synchronized OnUndecodable collectorFor(int task) {
    List<WindowedValue<BadRecord>> records = byTask.get(task);
    return (raw, cause, timestamp) ->
        records.add(
            WindowedValues.timestampedValueInGlobalWindow(
                UndecodableKafkaRecord.badRecord(raw, cause), timestamp));
  }

  /**
   * What {@code batch} collected, by task, once its ranges have been read; as many empty lists as
   * the input has partitions if it read nothing in that batch (a stopped input does not slice).
   */
  synchronized List<List<WindowedValue<BadRecord>>> of(BatchTime batch, int partitions) {
    if (this.batch.equals(Optional.of(batch))) {
      return byTask;
    }
    return Collections.nCopies(partitions, List.of());
  }
}
