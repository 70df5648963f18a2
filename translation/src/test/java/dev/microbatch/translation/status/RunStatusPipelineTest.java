package dev.microbatch.translation.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import dev.microbatch.runner.status.MonitoringOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Sum;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A checkpointed pipeline's event log tells what each batch's checkpoint cost and what a resumed
 * run restored; a job run twice into one log folder gets two logs.
 */
public class RunStatusPipelineTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private static final ObjectMapper JSON = new ObjectMapper();

  private static void runSum(String checkpoints, String events) {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setJobName("checkpointed-sum");
    options.setLogEveryBatch(false);
    options.setCheckpointLocation(checkpoints);
    options.as(MonitoringOptions.class).setEventLogDir(events);
    options.as(MonitoringOptions.class).setUiPort(0);
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1L, 2L, 3L, 4L)).apply(Sum.longsGlobally());
    p.run().waitUntilFinish();
  }

  private static List<JsonNode> lines(Path log) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static long latestCheckpointSize(File dir) throws Exception {
    try (Stream<Path> files = Files.list(dir.toPath())) {
      Path latest =
          files
              .filter(f -> f.getFileName().toString().startsWith("checkpoint-"))
              .max(Path::compareTo)
              .orElseThrow();
      return Files.size(latest);
    }
  }

  @Test
  public void eachBatchLogsItsCheckpointAndAResumedRunWhatItRestored() throws Exception {
    File checkpoints = folder.newFolder("checkpoints");
    File events = folder.newFolder("events");

    runSum(checkpoints.toString(), events.toString());
    List<JsonNode> first = lines(events.toPath().resolve("checkpointed-sum.jsonl"));
    assertTrue(first.get(0).get("restored").isEmpty());
    List<JsonNode> completed =
        first.stream().filter(l -> l.get("event").asText().equals("BatchCompleted")).toList();
    assertFalse(completed.isEmpty());
    for (JsonNode batch : completed) {
      assertThat(batch.get("checkpointBytes").asLong(), greaterThan(0L));
      assertTrue(batch.has("checkpointTime"));
    }
    // The last batch's checkpoint is the one on disk, of the size its event says.
    assertEquals(
        latestCheckpointSize(checkpoints),
        completed.get(completed.size() - 1).get("checkpointBytes").asLong());

    // The same job again, on the same checkpoint: a second log, which says what was restored.
    runSum(checkpoints.toString(), events.toString());
    List<JsonNode> second = lines(events.toPath().resolve("checkpointed-sum-2.jsonl"));
    assertEquals("checkpointed-sum-2", second.get(0).get("id").asText());
    assertTrue(second.get(0).get("restored").has("checkpoint"));
  }
}
