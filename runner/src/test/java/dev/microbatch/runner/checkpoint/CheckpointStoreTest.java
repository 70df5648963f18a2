package dev.microbatch.runner.checkpoint;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.scheduler.BatchTime;
import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.StateCheckpoint;
import dev.microbatch.runner.state.StateChain;
import dev.microbatch.runner.state.StateContents;
import dev.microbatch.runner.state.StoreChanges;
import dev.microbatch.runner.state.StoreId;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The checkpoint directory: what a resumed run finds, and what it must not. */
public class CheckpointStoreTest {

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private static final PipelineShape SHAPE =
      new PipelineShape(2, List.of("KafkaInputDStream:Read", "FusedStageDStream:Count"));

  private static final StoreId COUNT = new StoreId("Count", 1);

  private static KeyBytes key(String key) {
    return new KeyBytes(key.getBytes(StandardCharsets.UTF_8));
  }

  /** A checkpoint with the keyed state written into its file. */
  private record Written(Checkpoint checkpoint, StateCheckpoint state) {
    void to(CheckpointStore store) throws java.io.IOException {
      store.write(checkpoint, state);
    }
  }

  private static Written checkpoint(long time, String position) {
    return checkpoint(
        time,
        position,
        StateCheckpoint.snapshot(
            Map.of(COUNT, StoreChanges.of(Map.of(key("k"), new byte[] {1, 2, 3}), Set.of()))));
  }

  private static Written checkpoint(long time, String position, StateCheckpoint state) {
    return new Written(
        new Checkpoint(
            new BatchTime(time),
            SHAPE,
            Map.of("KafkaInputDStream:Read", position.getBytes()),
            Map.of("FusedStageDStream:Count", time - 500),
            state.parent(),
            Map.of("SideInputDStream:View", new byte[] {4})),
        state);
  }

  /** A delta on {@code parent}: {@code written} keys get their name's bytes, {@code removed} go. */
  private static Written delta(long time, long parent, List<String> written, Set<String> removed) {
    Map<KeyBytes, byte[]> values = new java.util.HashMap<>();
    written.forEach(k -> values.put(key(k), (k + "@" + time).getBytes(StandardCharsets.UTF_8)));
    Set<KeyBytes> gone = new java.util.HashSet<>();
    removed.forEach(k -> gone.add(key(k)));
    return checkpoint(
        time,
        "p" + time,
        StateCheckpoint.delta(parent, Map.of(COUNT, StoreChanges.of(values, gone))));
  }

  private static Map<String, String> contents(StateChain chain) throws java.io.IOException {
    Map<String, String> contents = new java.util.TreeMap<>();
    StateContents.of(chain)
        .getOrDefault(COUNT, Map.of())
        .forEach(
            (k, v) ->
                contents.put(
                    new String(k.bytes(), StandardCharsets.UTF_8),
                    new String(v, StandardCharsets.UTF_8)));
    return contents;
  }

  @Test
  public void anEmptyDirectoryHoldsNothingToResume() throws Exception {
    Recovery recovery = new CheckpointStore(temp.getRoot() + "/none-yet").recover();
    assertFalse(recovery.checkpoint().isPresent());
    assertTrue(recovery.pending().isEmpty());
  }

  @Test
  public void aFileUriNamesTheLocalDirectoryNotARelativeOne() throws Exception {
    java.nio.file.Path directory = temp.getRoot().toPath().resolve("by-uri");
    CheckpointStore store = new CheckpointStore(directory.toUri().toString());
    checkpoint(1000, "p1").to(store);

    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(directory)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("checkpoint-")));
    }
    assertEquals(
        new BatchTime(1000),
        new CheckpointStore(directory.toString()).recover().checkpoint().orElseThrow().time());
  }

  @Test
  public void theLatestCheckpointAndThePendingBatchAfterItAreRecovered() throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    store.writePending(new PendingBatch(new BatchTime(1000), Map.of("in", new byte[] {1})));
    checkpoint(1000, "p1").to(store);
    store.writePending(new PendingBatch(new BatchTime(2000), Map.of("in", new byte[] {2})));

    Recovery recovery = new CheckpointStore(temp.getRoot().getPath()).recover();

    Checkpoint latest = recovery.checkpoint().orElseThrow();
    assertEquals(new BatchTime(1000), latest.time());
    assertEquals(SHAPE, latest.shape());
    assertArrayEquals("p1".getBytes(), latest.inputPositions().get("KafkaInputDStream:Read"));
    assertEquals(Long.valueOf(500), latest.watermarks().get("FusedStageDStream:Count"));
    assertArrayEquals(
        new byte[] {1, 2, 3}, StateContents.of(recovery.state()).get(COUNT).get(key("k")));
    assertArrayEquals(new byte[] {4}, latest.streamStates().get("SideInputDStream:View"));
    assertEquals(1, recovery.pending().size());
    PendingBatch pending = recovery.pending().get(0);
    assertEquals(new BatchTime(2000), pending.time());
    assertArrayEquals(new byte[] {2}, pending.slices().get("in"));
  }

  @Test
  public void everyBatchPendingSinceTheLatestCheckpointIsRecoveredOldestFirst() throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    for (long time = 1000; time <= 4000; time += 1000) {
      store.writePending(
          new PendingBatch(new BatchTime(time), Map.of("in", new byte[] {(byte) time})));
    }
    checkpoint(2000, "p2").to(store); // checkpointed every 2nd batch: 3000 and 4000 are pending

    Recovery recovery = new CheckpointStore(temp.getRoot().getPath()).recover();

    assertEquals(new BatchTime(2000), recovery.checkpoint().orElseThrow().time());
    assertEquals(
        List.of(new BatchTime(3000), new BatchTime(4000)),
        recovery.pending().stream().map(PendingBatch::time).toList());
    assertArrayEquals(new byte[] {(byte) 3000}, recovery.pending().get(0).slices().get("in"));
  }

  @Test
  public void oldCheckpointsAndSupersededPendingBatchesArePruned() throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    for (long time = 1000; time <= 5000; time += 1000) {
      store.writePending(new PendingBatch(new BatchTime(time), Map.of()));
      checkpoint(time, "p" + time).to(store);
    }
    assertEquals(
        List.of("checkpoint-00000000000000004000", "checkpoint-00000000000000005000"),
        fileNames());
  }

  @Test
  public void theKeyedStateOfADeltaIsItsSnapshotWithEveryChangeSinceAppliedInOrder()
      throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    checkpoint(1000, "p1").to(store);
    delta(2000, 1000, List.of("a", "b"), Set.of()).to(store);
    delta(3000, 2000, List.of("b"), Set.of("k")).to(store);

    Recovery recovery = new CheckpointStore(temp.getRoot().getPath()).recover();

    assertEquals(new BatchTime(3000), recovery.checkpoint().orElseThrow().time());
    assertEquals(Map.of("a", "a@2000", "b", "b@3000"), contents(recovery.state()));
    assertEquals(2, recovery.state().deltas());
  }

  @Test
  public void prunedAreOnlyCheckpointsThatNoKeptOneBuildsOn() throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    checkpoint(1000, "p1").to(store);
    delta(2000, 1000, List.of("a"), Set.of()).to(store);
    delta(3000, 2000, List.of("b"), Set.of()).to(store);
    checkpoint(4000, "p4").to(store); // a snapshot; 3000, kept, still needs 1000 and 2000
    assertEquals(4, temp.getRoot().list().length);

    delta(5000, 4000, List.of("c"), Set.of()).to(store);

    assertEquals(
        List.of("checkpoint-00000000000000004000", "checkpoint-00000000000000005000"),
        fileNames());
  }

  @Test
  public void aMissingCheckpointOfTheLatestOnesChainIsRefusedNamingIt() throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    checkpoint(1000, "p1").to(store);
    delta(2000, 1000, List.of("a"), Set.of()).to(store);
    delta(3000, 2000, List.of("b"), Set.of()).to(store);
    Path middle = new File(temp.getRoot(), "checkpoint-00000000000000002000").toPath();
    Files.delete(middle);

    String message = refusal();

    assertTrue(message, message.contains(middle.toString()));
    assertTrue(message, message.contains("missing"));
  }

  @Test
  public void aTruncatedLatestCheckpointIsRefusedNamingItAndTheOlderOne() throws Exception {
    Path latest = twoCheckpointsThenTheLatest();
    byte[] bytes = Files.readAllBytes(latest);
    Files.write(latest, Arrays.copyOf(bytes, bytes.length / 2));

    String message = refusal();

    assertTrue(message, message.contains(latest.toString()));
    assertTrue(message, message.contains("truncated"));
    assertTrue(message, message.contains("restore the file from a copy"));
    assertTrue(message, message.contains("checkpoint-00000000000000001000"));
  }

  @Test
  public void aLatestCheckpointWithOneFlippedByteIsRefused() throws Exception {
    Path latest = twoCheckpointsThenTheLatest();
    byte[] bytes = Files.readAllBytes(latest);
    // The last key's state, before the trailer: decodable, but wrong.
    bytes[bytes.length - IntegrityFrame.TRAILER_BYTES - 1] ^= 0x01;
    Files.write(latest, bytes);

    String message = refusal();

    assertTrue(message, message.contains(latest.toString()));
    assertTrue(message, message.contains("CRC32C"));
  }

  @Test
  public void aDamagedPendingBatchIsRefusedNamingIt() throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    checkpoint(1000, "p1").to(store);
    store.writePending(new PendingBatch(new BatchTime(2000), Map.of("in", new byte[] {2, 3})));
    Path pending = new File(temp.getRoot(), "pending-00000000000000002000").toPath();
    byte[] bytes = Files.readAllBytes(pending);
    bytes[bytes.length - 1] ^= 0x40;
    Files.write(pending, bytes);

    String message = refusal();

    assertTrue(message, message.contains(pending.toString()));
    assertTrue(message, message.contains("run the batch again over a new slice"));
  }

  private List<String> fileNames() {
    String[] names = temp.getRoot().list();
    Arrays.sort(names);
    return List.of(names);
  }

  /** Writes checkpoints of batches 1000 and 2000 and returns the latest one's file. */
  private Path twoCheckpointsThenTheLatest() throws Exception {
    CheckpointStore store = new CheckpointStore(temp.getRoot().getPath());
    checkpoint(1000, "p1").to(store);
    checkpoint(2000, "p2").to(store);
    return new File(temp.getRoot(), "checkpoint-00000000000000002000").toPath();
  }

  private String refusal() {
    return assertThrows(
            DamagedCheckpointException.class,
            () -> new CheckpointStore(temp.getRoot().getPath()).recover())
        .getMessage();
  }

  @Test
  public void aChangedPipelineIsToldApartNamingWhatChanged() {
    PipelineShape changed =
        new PipelineShape(4, List.of("KafkaInputDStream:Read", "FusedStageDStream:Sum"));

    String reason = SHAPE.mismatch(changed).orElseThrow();

    assertTrue(reason, reason.contains("--parallelism was 2 and is now 4"));
    assertTrue(reason, reason.contains("no longer in the pipeline: FusedStageDStream:Count"));
    assertTrue(reason, reason.contains("new in the pipeline: FusedStageDStream:Sum"));
    assertFalse(SHAPE.mismatch(SHAPE).isPresent());
  }
}
