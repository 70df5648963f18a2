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

  /** A store of 100 keys counted once each, checkpointed whole. */
  private KeyedStateStore<long[]> hundredKeysCheckpointed() throws IOException {
    KeyedStateStore<long[]> store = newStore(COUNTS);
    for (int i = 0; i < 100; i++) {
      store.getOrCreate(key(i), k -> new long[1])[0]++;
    }
    assertEquals(100, store.checkpoint(true).written().size());
    return store;
  }

  @Test
  public void aBatchThatChangesOneKeyInAHundredWritesThatKeyOnly() throws Exception {
    KeyedStateStore<long[]> store = hundredKeysCheckpointed();

    store.getOrCreate(key(7), k -> new long[1])[0]++;
    StoreChanges changes = store.checkpoint(false);

    assertEquals(Set.of("key-7"), names(changes.written().keySet()));
    assertEquals(2L, java.nio.ByteBuffer.wrap(changes.written().get(key(7))).getLong());
    assertTrue(changes.removed().isEmpty());
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

    assertEquals(keys, snapshot.written().size());
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

    assertEquals(Set.of("key-1"), names(changes.written().keySet()));
    assertEquals(Set.of("key-2", "key-3"), names(changes.removed()));
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

    assertEquals(Set.of("key-5"), names(changes.written().keySet()));
    assertTrue("a key never checkpointed is not removed", changes.removed().isEmpty());
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
        StateImage.replay(
            java.util.List.of(
                StateCheckpoint.snapshot(
                    Map.of(new StoreId("Count", 0), new StoreChanges(contents, Set.of()))))));

    assertTrue(
        "not opened since the restore: unchanged",
        stores.checkpoint(Optional.of(1000L)).stores().isEmpty());
    KeyedStateStore<long[]> restored = stores.store("Count", 0, COUNTS);
    restored.getOrCreate(key(9), k -> new long[1])[0]++;
    StateCheckpoint delta = stores.checkpoint(Optional.of(2000L));

    assertEquals(Optional.of(2000L), delta.parent());
    assertEquals(
        Set.of("key-9"), names(delta.stores().get(new StoreId("Count", 0)).written().keySet()));
    assertEquals(
        "a snapshot holds every key",
        100,
        stores.checkpoint(Optional.empty()).stores().get(new StoreId("Count", 0)).written().size());
  }
}
