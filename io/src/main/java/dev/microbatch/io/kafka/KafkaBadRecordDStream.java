package dev.microbatch.io.kafka;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchResult;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.ListPartition;
import dev.microbatch.runner.dstream.Materialize;
import dev.microbatch.runner.dstream.Partition;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * The records of a Kafka read that could not be deserialized, for its bad-record error handler: one
 * partition per reading task of the input, with the input's watermark.
 *
 * <p>They are known only once the input's ranges have been read. The engine reads an input with two
 * consumers (this stream and the read's main output) once, into memory, before either consumer sees
 * it; so by the time the input's result reaches this stream, its ranges have been read. If nothing
 * consumes the main output, this stream is the input's only consumer and the ranges are still to be
 * read: it reads them itself (their good records go nowhere, as the pipeline asks).
 */
public final class KafkaBadRecordDStream extends DStream<WindowedValue<BadRecord>> {

  private final DStream<?> input;
  private final BadRecordOutput output;

  public KafkaBadRecordDStream(String name, DStream<?> input, BadRecordOutput output) {
    super(name, List.of(input));
    this.input = input;
    this.output = output;
  }

  @Override
  protected String kind() {
    return "bad-records";
  }

  @Override
  protected BatchResult<WindowedValue<BadRecord>> compute(BatchContext batch) throws Exception {
    BatchResult<?> read = batch.resultOf(input);
    Materialize.drain(read, batch.executor());
    List<Partition<WindowedValue<BadRecord>>> partitions = new ArrayList<>();
    for (List<WindowedValue<BadRecord>> task : output.of(batch.time(), read.numPartitions())) {
      partitions.add(new ListPartition<>(task));
    }
    return new BatchResult<>(partitions, read.watermark());
  }
}
