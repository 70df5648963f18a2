package dev.microbatch.runner.checkpoint;

import dev.microbatch.runner.dstream.BatchContext;
import dev.microbatch.runner.dstream.BatchHooks;
import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.InputDStream;
import dev.microbatch.runner.dstream.InputRecovery;
import dev.microbatch.runner.dstream.PipelineRun;
import dev.microbatch.runner.dstream.StreamCheckpoint;
import dev.microbatch.runner.scheduler.BatchDetails;
import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.state.StateChain;
import dev.microbatch.runner.state.StateCheckpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints one graph into a {@link CheckpointStore}: the slice of each batch before it runs, and
 * each committed batch's positions, watermarks and keyed state. It also restores the graph, from
 * the directory when a run resumes, and from the last committed batch when a batch is retried.
 */
public final class GraphCheckpointer implements BatchHooks {

  private static final Logger LOG = LoggerFactory.getLogger(GraphCheckpointer.class);

  private final DStreamGraph graph;
  private final CheckpointStore store;
  private final PipelineShape shape;
  private final Map<String, InputRecovery> inputs;
  private final Map<String, StreamCheckpoint> streamStates;
  private final int snapshotEvery;

  /** The last committed batch's checkpoint: what a retry or a resumed run goes back to. */
  private Optional<Checkpoint> committed = Optional.empty();

  /** Checkpoints written since the last keyed state snapshot (deltas since it). */
  private int deltasSinceSnapshot;

  private Optional<PendingBatch> inFlight = Optional.empty();

  private GraphCheckpointer(
      DStreamGraph graph,
      CheckpointStore store,
      PipelineShape shape,
      Map<String, InputRecovery> inputs,
      Map<String, StreamCheckpoint> streamStates,
      int snapshotEvery) {
    this.graph = graph;
    this.store = store;
    this.shape = shape;
    this.inputs = inputs;
    this.streamStates = streamStates;
    this.snapshotEvery = snapshotEvery;
  }

  /**
   * A checkpointer for {@code graph} run on a backend that keeps keyed state in {@code
   * keyedStateLocation} (see {@link dev.microbatch.runner.dstream.Backend#keyedStateLocation()});
   * every input must be able to checkpoint its position, and one that cannot is named in the error.
   * Every {@code snapshotEvery}th checkpoint holds all keyed state; those between hold what changed.
   */
  public static GraphCheckpointer of(
      DStreamGraph graph,
      CheckpointStore store,
      int parallelism,
      String keyedStateLocation,
      int snapshotEvery) {
    Map<String, InputRecovery> inputs = new LinkedHashMap<>();
    Map<String, StreamCheckpoint> states = new LinkedHashMap<>();
    List<String> streams = new ArrayList<>();
    for (Map.Entry<String, DStream<?>> stream : graph.streamsById().entrySet()) {
      streams.add(stream.getKey());
      stream.getValue().checkpointState().ifPresent(state -> states.put(stream.getKey(), state));
      if (stream.getValue() instanceof InputDStream<?> input) {
        InputRecovery recovery =
            input
                .recovery()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "--checkpointLocation is set, but input "
                                + input.name()
                                + " ("
                                + input.getClass().getSimpleName()
                                + ") cannot checkpoint its position; run it without"
                                + " --checkpointLocation"));
        inputs.put(stream.getKey(), recovery);
      }
    }
    return new GraphCheckpointer(
        graph,
        store,
        PipelineShape.of(parallelism, streams, keyedStateLocation),
        inputs,
        states,
        snapshotEvery);
  }

  /**
   * Restores the graph from the directory's latest checkpoint, if there is one, and prepares the
   * batch that was pending after it to be re-run over the same slice.
   *
   * @return where the run resumes
   */
  public Resume recover(PipelineRun run) throws IOException {
    Recovery recovery = store.recover();
    if (recovery.checkpoint().isPresent()) {
      Checkpoint checkpoint = recovery.checkpoint().get();
      Optional<String> mismatch = checkpoint.shape().mismatch(shape);
      if (mismatch.isPresent()) {
        throw new CheckpointMismatchException(store.directory(), mismatch.get());
      }
      for (Map.Entry<String, InputRecovery> input : inputs.entrySet()) {
        byte[] position = checkpoint.inputPositions().get(input.getKey());
        if (position == null) {
          throw new CheckpointMismatchException(
              store.directory(), "no position for input " + input.getKey());
        }
        input.getValue().restorePosition(position);
      }
      committed = Optional.of(checkpoint);
      deltasSinceSnapshot = recovery.state().deltas();
      restoreCommitted(run, recovery.state());
      LOG.info(
          "Resuming from the checkpoint of batch {} in {}", checkpoint.time(), store.directory());
    }
    if (recovery.pending().isPresent()) {
      PendingBatch pending = recovery.pending().get();
      replay(pending);
      LOG.info("Re-running batch {} over the slice it had fixed", pending.time());
    }
    return new Resume(committed.map(Checkpoint::time), recovery.pending().map(PendingBatch::time));
  }

  /** Where a run resumes: after its last committed batch, re-running a pending one first. */
  public record Resume(Optional<BatchTime> lastCommitted, Optional<BatchTime> pending) {}

  @Override
  public void slicesFixed(BatchContext batch) throws Exception {
    if (inFlight.isPresent() && inFlight.get().time().equals(batch.time())) {
      return; // a retry: the slice on record is the one being replayed
    }
    PendingBatch pending = new PendingBatch(batch.time(), currentSlices());
    store.writePending(pending);
    inFlight = Optional.of(pending);
  }

  /**
   * Records the slices again if reading changed them: the slice a re-run replays must be the one
   * whose transactions may have committed, and those commit only after this.
   */
  @Override
  public void slicesRead(BatchContext batch) throws Exception {
    Map<String, byte[]> slices = currentSlices();
    PendingBatch recorded = inFlight.orElseThrow();
    boolean changed = false;
    for (Map.Entry<String, byte[]> slice : slices.entrySet()) {
      changed |= !Arrays.equals(slice.getValue(), recorded.slices().get(slice.getKey()));
    }
    if (changed) {
      PendingBatch pending = new PendingBatch(batch.time(), slices);
      store.writePending(pending);
      inFlight = Optional.of(pending);
    }
  }

  private Map<String, byte[]> currentSlices() throws IOException {
    Map<String, byte[]> slices = new LinkedHashMap<>();
    for (Map.Entry<String, InputRecovery> input : inputs.entrySet()) {
      slices.put(input.getKey(), input.getValue().slice());
    }
    return slices;
  }

  @Override
  public void committed(BatchContext batch) throws Exception {
    long started = System.nanoTime();
    Map<String, byte[]> positions = new LinkedHashMap<>();
    for (Map.Entry<String, InputRecovery> input : inputs.entrySet()) {
      positions.put(input.getKey(), input.getValue().positionAfterBatch());
    }
    boolean snapshot =
        committed.isEmpty() || StateChain.snapshotDue(deltasSinceSnapshot, snapshotEvery);
    Optional<Long> parent =
        snapshot ? Optional.empty() : committed.map(c -> c.time().millis());
    Checkpoint checkpoint =
        new Checkpoint(
            batch.time(),
            shape,
            positions,
            batch.progress().watermarksById(graph),
            parent,
            snapshotStreamStates());
    StateCheckpoint keyedState = batch.stateStores().checkpoint(parent);
    long bytes = store.write(checkpoint, keyedState);
    batch.recordCheckpoint(
        new BatchDetails.CheckpointInfo(bytes, (System.nanoTime() - started) / 1_000_000));
    committed = Optional.of(checkpoint);
    deltasSinceSnapshot = snapshot ? 0 : deltasSinceSnapshot + 1;
    inFlight = Optional.empty();
  }

  @Override
  public boolean prepareRetry(BatchTime failed, PipelineRun run) throws Exception {
    if (inFlight.isEmpty() || !inFlight.get().time().equals(failed)) {
      return false; // it failed before fixing its slice, or after its checkpoint was written
    }
    restoreCommitted(
        run, committed.isPresent() ? store.stateOf(committed.get()) : StateChain.empty());
    replay(inFlight.get());
    return true;
  }

  /**
   * Back to the last committed batch: its keyed state ({@code keyedState}, read back from the
   * directory, as the run keeps no copy of it), watermarks and stream states; before the first
   * commit, empty stores and streams as they started (watermarks have not moved yet).
   */
  private void restoreCommitted(PipelineRun run, StateChain keyedState) throws IOException {
    run.stateStores().restore(keyedState);
    Map<String, Instant> watermarks = new LinkedHashMap<>();
    committed.ifPresent(
        checkpoint ->
            checkpoint
                .watermarks()
                .forEach((id, millis) -> watermarks.put(id, new Instant(millis))));
    run.progress().restore(committed.map(Checkpoint::time), graph, watermarks);
    Map<String, byte[]> states = committed.map(Checkpoint::streamStates).orElse(Map.of());
    for (Map.Entry<String, StreamCheckpoint> state : streamStates.entrySet()) {
      byte[] saved = states.get(state.getKey());
      if (saved != null) {
        state.getValue().restore(saved);
      } else {
        state.getValue().reset();
      }
    }
  }

  private Map<String, byte[]> snapshotStreamStates() throws IOException {
    Map<String, byte[]> snapshots = new LinkedHashMap<>();
    for (Map.Entry<String, StreamCheckpoint> state : streamStates.entrySet()) {
      snapshots.put(state.getKey(), state.getValue().snapshot());
    }
    return snapshots;
  }

  private void replay(PendingBatch pending) throws IOException {
    for (Map.Entry<String, InputRecovery> input : inputs.entrySet()) {
      byte[] slice = pending.slices().get(input.getKey());
      if (slice == null) {
        throw new CheckpointMismatchException(
            store.directory(), "no slice for input " + input.getKey() + " in pending batch");
      }
      input.getValue().replay(slice);
    }
    inFlight = Optional.of(pending);
  }
}
