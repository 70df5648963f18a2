package dev.microbatch.runner.state;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.util.Optional;
import java.util.Set;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * A batch visits the keys that are due, not every key: a store with a timetable keeps its keys
 * indexed by when they are next due and by what they hold the watermark at.
 */
public class KeyedStateStoreWakeTest extends EveryBackend {

  /**
   * A key's state: {event-time timer, processing-time timer, hold}, each in millis or -1 for none;
   * all three -1 is a key with nothing pending.
   */
  private static final Timetable<long[]> TIMERS =
      state ->
          state[0] < 0 && state[1] < 0
              ? Wake.now()
              : new Wake(at(state[0]), at(state[1]), at(state[2]));

  private static Optional<Instant> at(long millis) {
    return millis < 0 ? Optional.empty() : Optional.of(new Instant(millis));
  }

  /** Key i has an event-time timer at 1000 + i and holds the watermark at i. */
  private KeyedStateStore<long[]> thousandKeys() {
    KeyedStateStore<long[]> store = newStore(new CountCodec());
    for (int i = 0; i < 1000; i++) {
      long[] state = store.getOrCreate(key(i), k -> new long[3]);
      state[0] = 1000 + i;
      state[1] = -1;
      state[2] = i;
    }
    store.schedule(TIMERS);
    return store;
  }

  private static final Instant NOW = new Instant(0);

  @Test
  public void onlyTheKeysWhoseTimersTheWatermarkReachedAreDue() {
    KeyedStateStore<long[]> store = thousandKeys();

    assertEquals(Set.of(), names(store.due(new Instant(999), NOW)));
    assertEquals(
        Set.of("key-0", "key-1", "key-2"), names(store.due(new Instant(1002), NOW)));
  }

  @Test
  public void aKeyChangedSinceItWasIndexedIsJudgedByItsStateNow() {
    KeyedStateStore<long[]> store = thousandKeys();
    store.due(new Instant(0), NOW);

    store.get(key(999))[0] = 5; // its timer moved earlier
    store.get(key(0))[0] = 5000; // and this one's later

    assertEquals(Set.of("key-999", "key-1"), names(store.due(new Instant(1001), NOW)));
  }

  @Test
  public void timersBeforeTheEpochAreDueBeforeThoseAfterIt() {
    KeyedStateStore<long[]> store = newStore(new TripleCodec());
    store.schedule(TIMERS_AT_ANY_TIME);
    long[] early = store.getOrCreate(key(1), k -> new long[3]);
    early[0] = -1_000_000; // before 1970
    long[] late = store.getOrCreate(key(2), k -> new long[3]);
    late[0] = 1_000_000;

    assertEquals(Set.of(), names(store.due(new Instant(-2_000_000), NOW)));
    assertEquals(Set.of("key-1"), names(store.due(new Instant(0), NOW)));
    assertEquals(Set.of("key-1", "key-2"), names(store.due(new Instant(1_000_000), NOW)));
  }

  /** Event-time timers only, at any time, negative ones too. */
  private static final Timetable<long[]> TIMERS_AT_ANY_TIME =
      state -> new Wake(Optional.of(new Instant(state[0])), Optional.empty(), Optional.empty());

  @Test
  public void aDrainVisitsAndDropsEveryKeyOnceAndLeavesNothingDue() {
    KeyedStateStore<long[]> store = newStore(new TripleCodec());
    store.schedule(TIMERS_AT_ANY_TIME);
    int keys = RocksDbStateStore.WORKING_SET_LIMIT * 2 + 3;
    for (int i = 0; i < keys; i++) {
      store.getOrCreate(key(i), k -> new long[3])[0] = i % 1000;
    }

    Set<KeyBytes> visited = new java.util.HashSet<>();
    for (KeyBytes key : store.due(new Instant(Long.MAX_VALUE), NOW)) {
      if (store.get(key) != null) {
        visited.add(key);
        store.remove(key);
      }
    }

    assertEquals(keys, visited.size());
    assertEquals(0, store.size());
    assertEquals(Set.of(), names(store.due(new Instant(Long.MAX_VALUE), NOW)));
  }

  @Test
  public void processingTimeTimersAreDueByProcessingTime() {
    KeyedStateStore<long[]> store = thousandKeys();
    long[] state = store.get(key(7));
    state[0] = -1;
    state[1] = 300;

    assertEquals(Set.of(), names(store.due(new Instant(0), new Instant(299))));
    assertEquals(Set.of("key-7"), names(store.due(new Instant(0), new Instant(300))));
  }

  @Test
  public void aKeyWithNothingPendingIsDueAtOnceForItsStepToDropIt() {
    KeyedStateStore<long[]> store = thousandKeys();
    long[] state = store.get(key(42));
    state[0] = -1;
    state[1] = -1;

    assertEquals(Set.of("key-42"), names(store.due(new Instant(0), NOW)));
  }

  @Test
  public void theEarliestHoldFollowsChangesAndRemovals() {
    KeyedStateStore<long[]> store = thousandKeys();
    assertEquals(Optional.of(new Instant(0)), store.earliestHold());

    store.remove(key(0));
    store.get(key(1))[2] = 500;

    assertEquals(Optional.of(new Instant(2)), store.earliestHold());
  }

  @Test
  public void stateLoadedIntoAStoreIsIndexedWhenItsStepSchedulesIt() throws Exception {
    StateStores stores = stores();
    KeyedStateStore<long[]> original = stores.store("Timers", 0, new TripleCodec());
    for (int i = 0; i < 10; i++) {
      long[] state = original.getOrCreate(key(i), k -> new long[3]);
      state[0] = 100 * i;
      state[1] = -1;
      state[2] = -1;
    }
    StateStores restored = stores();
    restored.restore(StateContents.chain(stores.checkpoint(Optional.empty())));

    KeyedStateStore<long[]> store = restored.store("Timers", 0, new TripleCodec());
    store.schedule(TIMERS);

    assertEquals(Set.of("key-0", "key-1", "key-2"), names(store.due(new Instant(250), NOW)));
    assertTrue(store.earliestHold().isEmpty());
  }

  /** The three longs of a key's state. */
  private static final class TripleCodec implements StateCodec<long[]> {
    @Override
    public void encode(long[] state, java.io.DataOutputStream out) throws java.io.IOException {
      for (long value : state) {
        out.writeLong(value);
      }
    }

    @Override
    public long[] decode(KeyBytes key, java.io.DataInputStream in) throws java.io.IOException {
      return new long[] {in.readLong(), in.readLong(), in.readLong()};
    }
  }
}
