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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints one graph into a {@link CheckpointStore}: the slice of each batch before it runs, and
 * every {@code checkpointEvery}th committed batch's positions, watermarks and keyed state. It also
 * restores the graph, from the directory when a run resumes, and from the last checkpoint when a
 * batch is retried; the batches committed after that checkpoint are then replayed over the slices
 * on record, in order, before the run goes on (their exactly-once sinks find their transactions
 * committed and publish nothing again).
 */
public final class GraphCheckpointer implements BatchHooks {

  private static final Logger LOG = LoggerFactory.getLogger(GraphCheckpointer.class);

  private final DStreamGraph graph;
  private final CheckpointStore store;
  private final PipelineShape shape;
  private final Map<String, InputRecovery> inputs;
  private final Map<String, StreamCheckpoint> streamStates;
  private final int snapshotEvery;
  private final int checkpointEvery;

  /** The last checkpoint: what a retry or a resumed run goes back to. */
  private Optional<Checkpoint> committed = Optional.empty();

  /** The batches committed since the last checkpoint, oldest first: a retry replays them. */
  private final List<PendingBatch> sinceCheckpoint = new ArrayList<>();

  /** Slices to replay next, in order (a resumed run's pending batches, or a retry's). */
  private final Deque<PendingBatch> replays = new ArrayDeque<>();

  /** Checkpoints written since the last keyed state snapshot (deltas since it). */
  private int deltasSinceSnapshot;

  private Optional<PendingBatch> inFlight = Optional.empty();

  private GraphCheckpointer(
      DStreamGraph graph,
      CheckpointStore store,
      PipelineShape shape,
      Map<String, InputRecovery> inputs,
      Map<String, StreamCheckpoint> streamStates,
      int snapshotEvery,
      int checkpointEvery) {
    this.graph = graph;
    this.store = store;
    this.shape = shape;
    this.inputs = inputs;
    this.streamStates = streamStates;
    this.snapshotEvery = snapshotEvery;
    this.checkpointEvery = checkpointEvery;
  }

  /**
   * A checkpointer for {@code graph} run on a backend that keeps keyed state in {@code
   * keyedStateLocation} (see {@link dev.microbatch.runner.dstream.Backend#keyedStateLocation()});
   * every input must be able to checkpoint its position, and one that cannot is named in the error.
   * Every {@code checkpointEvery}th batch is checkpointed (and the run's last one); every {@code
   * snapshotEvery}th checkpoint holds all keyed state, those between hold what changed.
   */
  public static GraphCheckpointer of(
      DStreamGraph graph,
      CheckpointStore store,
      int parallelism,
      String keyedStateLocation,
      int snapshotEvery,
      int checkpointEvery) {
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
        snapshotEvery,
        checkpointEvery);
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
    List<PendingBatch> pending = recovery.pending();
    replays.addAll(pending);
    replayNext();
    if (!pending.isEmpty()) {
      LOG.info(
          "Re-running batches {} over the slices they had fixed",
          pending.stream().map(PendingBatch::time).toList());
    }
    return new Resume(
        committed.map(Checkpoint::time), pending.stream().map(PendingBatch::time).toList());
  }

  /**
   * Where a run resumes: after its last checkpoint, re-running first the batches pending after it
   * (oldest first; all but the last committed, when checkpoints are written every few batches).
   */
  public record Resume(Optional<BatchTime> lastCommitted, List<BatchTime> pending) {

    public Resume {
      pending = List.copyOf(pending);
    }
  }

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
  public boolean committed(BatchContext batch, boolean last) throws Exception {
    PendingBatch done = inFlight.orElseThrow();
    // The run's first batch is always checkpointed: a retry then has input positions to go back to.
    boolean due = last || committed.isEmpty() || sinceCheckpoint.size() + 1 >= checkpointEvery;
    if (due) {
      // If this throws, the batch stays in flight: a retry goes back to the last checkpoint and
      // re-runs it.
      writeCheckpoint(batch);
      sinceCheckpoint.clear();
    } else {
      sinceCheckpoint.add(done);
    }
    inFlight = Optional.empty();
    replayNext();
    return due;
  }

  private void writeCheckpoint(BatchContext batch) throws IOException {
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
  }

  /**
   * Goes back to the last checkpoint, then replays the batches committed since, and the failed one
   * (which may be one of those replays), over their slices on record.
   */
  @Override
  public Optional<List<BatchTime>> prepareRetry(BatchTime failed, PipelineRun run)
      throws Exception {
    if (inFlight.isEmpty()) {
      return Optional.empty(); // it failed before fixing its slice
    }
    List<PendingBatch> again = new ArrayList<>(sinceCheckpoint);
    again.add(inFlight.get());
    for (int i = again.size() - 1; i >= 0; i--) {
      replays.addFirst(again.get(i));
    }
    sinceCheckpoint.clear();
    inFlight = Optional.empty();
    restoreCommitted(
        run, committed.isPresent() ? store.stateOf(committed.get()) : StateChain.empty());
    if (again.size() > 1 && committed.isPresent()) {
      // Unbounded sources re-read a replayed slice from where the batch before it left them.
      for (Map.Entry<String, InputRecovery> input : inputs.entrySet()) {
        input.getValue().restorePosition(committed.get().inputPositions().get(input.getKey()));
      }
    }
    List<BatchTime> before =
        replays.stream()
            .map(PendingBatch::time)
            .filter(time -> time.compareTo(failed) < 0)
            .toList();
    replayNext();
    return Optional.of(before);
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

  /** The next batch reads the next slice to replay, if there is one. */
  private void replayNext() throws IOException {
    if (!replays.isEmpty()) {
      replay(replays.poll());
    }
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
