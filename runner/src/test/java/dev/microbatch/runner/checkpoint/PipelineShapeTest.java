package dev.microbatch.runner.checkpoint;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** What a resumed run must have in common with the run that wrote the checkpoint. */
public class PipelineShapeTest {

  private static final List<String> STREAMS = List.of("input:Read", "stage:Count");

  @Test
  public void theSameGraphOnTheSameBackendResumes() {
    assertEquals(
        Optional.empty(),
        PipelineShape.of(2, STREAMS, "checkpoint")
            .mismatch(PipelineShape.of(2, STREAMS, "checkpoint")));
  }

  @Test
  public void keyedStateKeptElsewhereThanTheCheckpointPutItIsRefusedNamingBoth() {
    String reason =
        PipelineShape.of(2, STREAMS, "checkpoint")
            .mismatch(PipelineShape.of(2, STREAMS, "spark-executors"))
            .orElseThrow();
    assertTrue(reason, reason.contains("keyed state was kept in checkpoint"));
    assertTrue(reason, reason.contains("keeps it in spark-executors"));
    assertTrue("not reported as a changed graph: " + reason, !reason.contains("pipeline"));
  }

  @Test
  public void aCheckpointFromBeforeTheLocationWasRecordedKeptStateInItself() {
    PipelineShape older = new PipelineShape(2, STREAMS);
    assertEquals(Optional.empty(), older.mismatch(PipelineShape.of(2, STREAMS, "checkpoint")));
    assertTrue(older.mismatch(PipelineShape.of(2, STREAMS, "spark-executors")).isPresent());
  }
}
