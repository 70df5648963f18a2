package dev.microbatch.spark.task;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.CountCodec;
import dev.microbatch.runner.state.KeyedStateStore;
import dev.microbatch.runner.state.StateBackendKind;
import dev.microbatch.runner.state.StateBackendSpec;
import dev.microbatch.runner.state.StateCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * A stage partition's keyed state on an executor: each batch's version holds what changed, a
 * snapshot every few versions, and any JVM reads a version back from its chain of files.
 */
@RunWith(Parameterized.class)
public class ExecutorStateStoresTest {

  @Parameterized.Parameters(name = "{0}")
  public static Object[] backends() {
    return StateBackendKind.values();
  }

  @Parameterized.Parameter public StateBackendKind backend;

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private static final String STAGE = "Count";

  private static final StateCodec<long[]> COUNTS = new CountCodec();

  private final String runId = UUID.randomUUID().toString();

  private static KeyBytes key(int i) {
    return new KeyBytes(("key-" + i).getBytes(StandardCharsets.UTF_8));
  }

  private StageTaskSpec.StateVersions versions(Optional<Long> read, long write) {
    return StageTaskSpec.StateVersions.of(
        runId,
        versionsDirectory().toString(),
        read,
        write,
        3,
        new StateBackendSpec(backend, temp.getRoot().toPath().resolve("local").toString()));
  }

  private Path versionsDirectory() {
    return temp.getRoot().toPath().resolve("versions");
  }

  /** Runs batch {@code time} after {@code read}: counts {@code keys} once more each. */
  private void batch(Optional<Long> read, long time, int... keys) throws IOException {
    StageTaskSpec.StateVersions versions = versions(read, time);
    ExecutorStateStores.Opened opened = ExecutorStateStores.open(versions, STAGE, 0);
    KeyedStateStore<long[]> store = opened.stores().store(STAGE, 0, COUNTS);
    for (int k : keys) {
      store.getOrCreate(key(k), x -> new long[1])[0]++;
    }
    ExecutorStateStores.commit(versions, STAGE, 0, opened);
  }

  /** The count of {@code k} as a task reading {@code version} afresh (another JVM) sees it. */
  private long countAfresh(long version, int k) throws IOException {
    ExecutorStateStores.forgetRun(runId);
    ExecutorStateStores.Opened opened =
        ExecutorStateStores.open(versions(Optional.of(version), version + 1), STAGE, 0);
    long[] count = opened.stores().store(STAGE, 0, COUNTS).get(key(k));
    ExecutorStateStores.discard(opened);
    return count == null ? 0 : count[0];
  }

  private TreeSet<String> files() throws IOException {
    try (Stream<Path> all = Files.walk(versionsDirectory())) {
      TreeSet<String> names = new TreeSet<>();
      all.filter(Files::isRegularFile).forEach(f -> names.add(f.getFileName().toString()));
      return names;
    }
  }

  @Test
  public void versionsBetweenSnapshotsHoldOnlyTheKeysTheirBatchChanged() throws Exception {
    int[] thousand = new int[1000];
    for (int i = 0; i < thousand.length; i++) {
      thousand[i] = i;
    }
    batch(Optional.empty(), 1000, thousand);
    batch(Optional.of(1000L), 2000, 7);
    Path directory = StateFiles.partitionDirectory(versionsDirectory().toString(), STAGE, 0);
    long snapshot = Files.size(StateFiles.version(directory, 1000));
    long delta = Files.size(StateFiles.version(directory, 2000));

    assertTrue(snapshot + " vs " + delta, delta * 100 < snapshot);
    assertEquals(2, countAfresh(2000, 7));
    assertEquals(1, countAfresh(2000, 8));
  }

  @Test
  public void aSnapshotEveryThirdVersionAndOldChainsPrunedOnceNothingGoesBackToThem()
      throws Exception {
    batch(Optional.empty(), 1000, 1, 2); // snapshot
    batch(Optional.of(1000L), 2000, 1); // delta
    batch(Optional.of(2000L), 3000, 2); // delta
    batch(Optional.of(3000L), 4000, 1); // snapshot; 3000's chain stays for a retry
    assertEquals(
        new TreeSet<>(
            java.util.List.of("1000.state", "2000.state", "3000.state", "4000.state")),
        files());

    batch(Optional.of(4000L), 5000, 3);

    assertEquals(new TreeSet<>(java.util.List.of("4000.state", "5000.state")), files());
    assertEquals(3, countAfresh(5000, 1));
    assertEquals(2, countAfresh(5000, 2));
    assertEquals(1, countAfresh(5000, 3));
  }

  @Test
  public void aBatchThatChangesNothingWritesNoVersionAndTheOneBeforeStandsForIt()
      throws Exception {
    batch(Optional.empty(), 1000, 1);
    batch(Optional.of(1000L), 2000);

    assertFalse(files().contains("2000.state"));
    assertEquals(1, countAfresh(2000, 1));
  }

  @Test
  public void aRetryReadsTheCommittedVersionNotTheFailedAttemptsCachedOne() throws Exception {
    batch(Optional.empty(), 1000, 1);
    batch(Optional.of(1000L), 2000, 1); // its batch then fails on the driver

    batch(Optional.of(1000L), 2000, 2); // the retry, in the same JVM

    assertEquals(1, countAfresh(2000, 1));
    assertEquals(1, countAfresh(2000, 2));
  }
}
