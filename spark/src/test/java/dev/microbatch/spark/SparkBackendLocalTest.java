package dev.microbatch.spark;

import static org.junit.Assert.assertEquals;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Test;

/** The Spark backend in local mode: a pipeline's stages and shuffles run as Spark jobs. */
public class SparkBackendLocalTest {

  private static MicroBatchPipelineOptions options() {
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=MicroBatchRunner", "--clusterMaster=local[2]", "--parallelism=3")
            .as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    return options;
  }

  @Test
  public void countsWordsThroughASparkShuffle() {
    Pipeline pipeline = Pipeline.create(options());
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      words.add("w" + (i % 7));
    }
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(Create.of(words))
            .apply(MapElements.into(TypeDescriptors.strings()).via(w -> w.toUpperCase()))
            .apply(Count.perElement());
    List<KV<String, Long>> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      expected.add(KV.of("W" + i, i < 1000 % 7 ? 143L : 142L));
    }
    PAssert.that(counts).containsInAnyOrder(expected);
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());
  }
}
