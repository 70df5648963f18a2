package dev.microbatch.runner.state;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.Test;

/** What a checkpoint of keyed state writes: what changed since the one before, and no more. */
public class KeyedStateStoreTest extends EveryBackend {

  private static final StateCodec<long[]> COUNTS = new CountCodec();
  private static final StoreId COUNT_0 = new StoreId("Count", 0);

  private static byte[] encodedCount(long count) {
    return java.nio.ByteBuffer.allocate(8).putLong(count).array();
  }

  /** Keys 0 to 999, each counted as many times as its number, encoded. */
  private static Map<KeyBytes, byte[]> thousandCounts() {
    Map<KeyBytes, byte[]> counts = new java.util.HashMap<>();
    for (int i = 0; i < 1_000; i++) {
      counts.put(key(i), encodedCount(i));
    }
    return counts;
  }

  /** A store of 100 keys counted once each, checkpointed whole. */
  private KeyedStateStore<long[]> hundredKeysCheckpointed() throws IOException {
    KeyedStateStore<long[]> store = newStore(COUNTS);
    for (int i = 0; i < 100; i++) {
      store.getOrCreate(key(i), k -> new long[1])[0]++;
    }
    assertEquals(100, StateContents.written(store.checkpoint(true)).size());
    return store;
  }

  @Test
  public void aBatchThatChangesOneKeyInAHundredWritesThatKeyOnly() throws Exception {
    KeyedStateStore<long[]> store = hundredKeysCheckpointed();

    store.getOrCreate(key(7), k -> new long[1])[0]++;
    StoreChanges changes = store.checkpoint(false);

    assertEquals(Set.of("key-7"), names(StateContents.written(changes).keySet()));
    assertEquals(
        2L, java.nio.ByteBuffer.wrap(StateContents.written(changes).get(key(7))).getLong());
    assertTrue(StateContents.removed(changes).isEmpty());
    assertTrue("nothing changed since", store.checkpoint(false).isEmpty());
  }

  @Test
  public void aTaskThatReachesMoreKeysThanItKeepsDecodedLosesNoWrite() throws Exception {
    KeyedStateStore<long[]> store = newStore(COUNTS);
    int keys = RocksDbStateStore.WORKING_SET_LIMIT * 2 + 7;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < keys; i++) {
        store.getOrCreate(key(i), k -> new long[1])[0]++;
      }
    }
    StoreChanges snapshot = store.checkpoint(true);

    assertEquals(keys, StateContents.written(snapshot).size());
    assertEquals(keys, store.size());
    assertEquals(2L, store.get(key(keys - 1))[0]);
    assertEquals(2L, store.get(key(0))[0]);
  }

  @Test
  public void keysLookedAtButNotChangedWriteNothing() throws Exception {
    KeyedStateStore<long[]> store = hundredKeysCheckpointed();

    long total = 0;
    for (int i = 0; i < 100; i++) {
      total += store.get(key(i))[0];
    }

    assertEquals(100, total);
    assertTrue(store.checkpoint(false).isEmpty());
  }

  @Test
  public void aBatchThatChangesSomeKeysAndRemovesOthersWritesThoseAndTheRemovals()
      throws Exception {
    KeyedStateStore<long[]> store = hundredKeysCheckpointed();

    store.get(key(1))[0] += 10;
    store.remove(key(2));
    store.remove(key(3));
    StoreChanges changes = store.checkpoint(false);

    assertEquals(Set.of("key-1"), names(StateContents.written(changes).keySet()));
    assertEquals(Set.of("key-2", "key-3"), names(StateContents.removed(changes)));
    assertEquals(98, store.size());
  }

  @Test
  public void aKeyRemovedAndCreatedAgainIsWrittenNotRemoved() throws Exception {
    KeyedStateStore<long[]> store = hundredKeysCheckpointed();

    store.remove(key(5));
    store.getOrCreate(key(5), k -> new long[1])[0] = 2;
    store.getOrCreate(key(100), k -> new long[1]); // new, never checkpointed
    store.remove(key(100));
    StoreChanges changes = store.checkpoint(false);

    assertEquals(Set.of("key-5"), names(StateContents.written(changes).keySet()));
    assertTrue("a key never checkpointed is not removed", StateContents.removed(changes).isEmpty());
  }

  @Test
  public void stateLoadedFromACheckpointCountsAsCheckpointed() throws Exception {
    KeyedStateStore<long[]> original = hundredKeysCheckpointed();
    StateStores stores = stores();
    Map<KeyBytes, byte[]> contents = new java.util.HashMap<>();
    for (int i = 0; i < 100; i++) {
      contents.put(key(i), java.nio.ByteBuffer.allocate(8).putLong(original.get(key(i))[0]).array());
    }
    stores.restore(
        StateContents.chain(
            StateCheckpoint.snapshot(
                Map.of(new StoreId("Count", 0), StoreChanges.of(contents, Set.of())))));

    assertTrue(
        "not opened since the restore: unchanged",
        stores.checkpoint(Optional.of(1000L)).stores().isEmpty());
    KeyedStateStore<long[]> restored = stores.store("Count", 0, COUNTS);
    restored.getOrCreate(key(9), k -> new long[1])[0]++;
    StateCheckpoint delta = stores.checkpoint(Optional.of(2000L));

    assertEquals(Optional.of(2000L), delta.parent());
    assertEquals(
        Set.of("key-9"), names(StateContents.written(delta.stores().get(COUNT_0)).keySet()));
    assertEquals(
        "a snapshot holds every key",
        100,
        StateContents.written(stores.checkpoint(Optional.empty()).stores().get(COUNT_0)).size());
  }

  @Test
  public void aRestoreReplaysTheSnapshotThenEachDeltaInOrder() throws Exception {
    StoreId count = new StoreId("Count", 0);
    Map<KeyBytes, byte[]> snapshot = thousandCounts();
    StateStores stores = stores();

    stores.restore(
        StateContents.chain(
            StateCheckpoint.snapshot(Map.of(count, StoreChanges.of(snapshot, Set.of()))),
            StateCheckpoint.delta(
                0,
                Map.of(
                    count,
                    StoreChanges.of(
                        Map.of(key(1), encodedCount(-1)),
                        Set.of(key(2), key(3))))),
            StateCheckpoint.delta(
                1,
                Map.of(
                    count,
                    StoreChanges.of(
                        Map.of(key(2), encodedCount(-2)),
                        Set.of())))));
    KeyedStateStore<long[]> store = stores.store("Count", 0, COUNTS);

    assertEquals(999, store.size());
    assertEquals(-1L, store.get(key(1))[0]);
    assertEquals(-2L, store.get(key(2))[0]);
    assertEquals(null, store.get(key(3)));
    assertEquals(999L, store.get(key(999))[0]);
  }

  @Test
  public void aStoreNotOpenedSinceTheRestoreIsSnapshotAsItWasRead() throws Exception {
    StoreId count = new StoreId("Count", 3);
    Map<KeyBytes, byte[]> contents = thousandCounts();
    StateStores stores = stores();
    stores.restore(
        StateContents.chain(
            StateCheckpoint.snapshot(Map.of(count, StoreChanges.of(contents, Set.of())))));

    Map<KeyBytes, byte[]> snapshot =
        StateContents.written(stores.checkpoint(Optional.empty()).stores().get(count));

    assertEquals(contents.keySet(), snapshot.keySet());
    contents.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, snapshot.get(k))));
  }

  @Test
  public void aStreamedSnapshotOfAStoreThatChangedUnderItFailsTheWrite() {
    StoreChanges changed =
        StoreChanges.streamed(
            3,
            states -> {
              for (int i = 0; i < 4; i++) {
                states.accept(key(i), new byte[] {(byte) i});
              }
            });

    IOException e =
        org.junit.Assert.assertThrows(
            IOException.class, () -> changed.forEachWritten((key, state) -> {}));

    assertTrue(e.getMessage(), e.getMessage().contains("changed while its snapshot"));
  }
}
