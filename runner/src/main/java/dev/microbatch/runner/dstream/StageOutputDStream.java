package dev.microbatch.runner.dstream;

import java.util.ArrayList;
import java.util.List;

/**
 * One output of a fused stage, as a stream of its own: one partition per stage task, let go of as
 * its consumer reads it (a stream with several consumers is read into memory once, by {@link
 * BatchContext#resultOf}), or, where the task held it encoded ({@link EncodedOutputs}), the blocks
 * it wrote: for the shuffle that alone reads it, or one to be decoded by each reader.
 */
public final class StageOutputDStream<T> extends DStream<T> {

  private final FusedStageDStream stage;
  private final int output;

  public StageOutputDStream(String name, FusedStageDStream stage, int output) {
    super(name, List.of(stage));
    this.stage = stage;
    this.output = output;
  }

  @Override
  protected String kind() {
    return "stage-output";
  }

  public FusedStageDStream stage() {
    return stage;
  }

  /** Which of the stage's outputs this stream is. */
  public int output() {
    return output;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected BatchResult<T> compute(BatchContext batch) throws Exception {
    BatchResult<FusedStageDStream.TaskOutput> result = batch.resultOf(stage);
    List<Partition<T>> partitions = new ArrayList<>(result.numPartitions());
    for (Partition<FusedStageDStream.TaskOutput> partition : result.partitions()) {
      FusedStageDStream.TaskOutput taskOutput =
          ((ListPartition<FusedStageDStream.TaskOutput>) partition).elements().get(0);
      Partition<Object> written = taskOutput.written().get(output);
      partitions.add(
          written != null
              ? (Partition<T>) (Partition<?>) written
              : new SingleReadPartition<>((List<T>) taskOutput.byOutput().get(output)));
    }
    return new BatchResult<>(partitions, result.watermark());
  }
}
