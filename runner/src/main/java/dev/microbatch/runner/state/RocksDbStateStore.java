package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.joda.time.Instant;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * One store's keyed state in the backend's RocksDB database, under a prefix of its own:
 *
 * <ul>
 *   <li>{@code V key}: the key's state, encoded by the stage's codec;
 *   <li>{@code W key}: the key's {@link Wake}, and {@code E time key}, {@code P time key}, {@code H
 *       time key}: the wake index by event time, processing time and hold, ordered by time.
 * </ul>
 *
 * <p>A task works on live objects: the keys it reaches are decoded into a working set, and written
 * back (only if their encoding changed) when the task ends ({@link #release}), so the heap holds one
 * task's keys, not the store. A checkpoint delta is what was written back or deleted since the one
 * before, kept as written until then (a delta holds those bytes anyway); a snapshot reads the store.
 */
final class RocksDbStateStore<S> extends KeyedStateStore<S> {

  /** Most keys a task keeps decoded before it writes them back. */
  static final int WORKING_SET_LIMIT = 100_000;

  /** Bytes of index changes gathered while indexing restored keys before they are written. */
  private static final long INDEX_WRITES_BYTES = 8L << 20;

  private static final byte VALUE = 'V';
  private static final byte WAKE = 'W';
  private static final byte BY_EVENT_TIME = 'E';
  private static final byte BY_PROCESSING_TIME = 'P';
  private static final byte BY_HOLD = 'H';

  /** A key the current task reached: its live state (null once removed) and what is stored. */
  private static final class Entry<S> {
    S value;
    final byte[] stored;
    /** The wake the key is indexed by (empty: not indexed); null until known. */
    Optional<Wake> indexed;

    Entry(S value, byte[] stored) {
      this.value = value;
      this.stored = stored;
    }
  }

  private final RocksDbStateBackend backend;
  private final byte[] prefix;
  private final StateCodec<S> codec;
  private final boolean checkpointed;
  private final Map<KeyBytes, Entry<S>> working = new HashMap<>();
  /**
   * What was written back since the last checkpoint, as written (the next delta holds exactly
   * this, so it is kept rather than read again), and the keys deleted since.
   */
  private final Map<KeyBytes, byte[]> written = new HashMap<>();

  private final Set<KeyBytes> deleted = new HashSet<>();
  /** Keys reached since the index was last brought up to date; only kept once scheduled. */
  private final Set<KeyBytes> stale = new HashSet<>();

  /** Iterations of due keys still open, closed when the store is released. */
  private final Set<DueKeys> openIterations = new HashSet<>();

  /**
   * Changes to the wake index not yet written: they go with the next write-back, or before the
   * index is read, in one write (a write per key costs more than the change itself).
   */
  private WriteBatch indexWrites;

  private Timetable<S> timetable;
  /** Keys are stored that the wake index does not hold: restored, or written before scheduling. */
  private boolean unindexed;
  private long size;

  RocksDbStateStore(
      RocksDbStateBackend backend, byte[] prefix, StateCodec<S> codec, boolean checkpointed) {
    this.backend = backend;
    this.prefix = prefix;
    this.codec = codec;
    this.checkpointed = checkpointed;
  }

  @Override
  public S getOrCreate(KeyBytes key, Function<KeyBytes, S> create) {
    Entry<S> entry = entry(key);
    if (entry.value == null) {
      entry.value = create.apply(key);
      size++;
    }
    reach(key);
    return entry.value;
  }

  @Override
  public S get(KeyBytes key) {
    Entry<S> entry = entry(key);
    if (entry.value == null) {
      return null;
    }
    reach(key);
    return entry.value;
  }

  @Override
  public void remove(KeyBytes key) {
    Entry<S> entry = entry(key);
    if (entry.value == null) {
      return;
    }
    entry.value = null;
    size--;
    stale.remove(key);
    if (timetable != null) {
      try {
        unindex(key);
      } catch (RocksDBException e) {
        throw failed("remove a key's timers", e);
      }
    }
  }

  @Override
  public long size() {
    return size;
  }

  private Entry<S> entry(KeyBytes key) {
    Entry<S> entry = working.get(key);
    if (entry == null) {
      if (working.size() >= WORKING_SET_LIMIT) {
        // A task that reaches more keys than this (a drain that emits every key) writes back what
        // it reached so far: the values handed out before this call are no longer used.
        try {
          writeBack();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      try {
        byte[] stored;
        Optional<Wake> indexed = null;
        if (timetable == null) {
          stored = db().get(backend.readOptions(), keyOf(VALUE, key.bytes()));
        } else {
          // The state and the wake it is indexed by, in one read.
          List<byte[]> both =
              db().multiGetAsList(
                  backend.readOptions(),
                  List.of(keyOf(VALUE, key.bytes()), keyOf(WAKE, key.bytes())));
          stored = both.get(0);
          indexed = both.get(1) == null ? Optional.empty() : Optional.of(decodeWake(both.get(1)));
        }
        entry = new Entry<>(stored == null ? null : decode(key, stored), stored);
        // A key without stored state is not indexed: its wake goes when its state does.
        entry.indexed = stored == null ? Optional.empty() : indexed;
      } catch (RocksDBException | IOException e) {
        throw failed("read a key's state", e);
      }
      working.put(key, entry);
    }
    return entry;
  }

  private void reach(KeyBytes key) {
    if (timetable != null) {
      stale.add(key);
    }
  }

  @Override
  public void schedule(Timetable<S> timetable) {
    if (this.timetable != null) {
      return;
    }
    this.timetable = timetable;
    if (unindexed) {
      indexAll();
    }
    working.forEach(
        (key, entry) -> {
          if (entry.value != null) {
            stale.add(key);
          }
        });
  }

  /** After a restore: every key's wake, read from its state. */
  private void indexAll() {
    try (RocksIterator it = db().newIterator(backend.readOptions())) {
      byte[] start = keyOf(VALUE, new byte[0]);
      for (it.seek(start); it.isValid() && startsWith(it.key(), start); it.next()) {
        KeyBytes key = new KeyBytes(Arrays.copyOfRange(it.key(), start.length, it.key().length));
        Entry<S> live = working.get(key);
        S value = live != null ? live.value : decode(key, it.value());
        if (value != null) {
          index(key, timetable.wakeOf(value));
        }
      }
      flushIndex();
      unindexed = false;
    } catch (RocksDBException | IOException e) {
      throw failed("index the restored keys by their timers", e);
    }
  }

  /**
   * The keys reached since the index was last asked that are due now, then the index read up to the
   * watermark and the time, lazily, from a snapshot of the database: visiting a key may change the
   * index, and a drain that makes every key due does not need every key in memory at once.
   */
  @Override
  public Iterable<KeyBytes> due(Instant watermark, Instant now) {
    requireScheduled();
    List<KeyBytes> reached = new ArrayList<>();
    try {
      for (KeyBytes key : stale) {
        Entry<S> entry = working.get(key);
        if (entry != null && entry.value != null && reindex(key, entry.value).dueBy(watermark, now)) {
          reached.add(key);
        }
      }
      stale.clear();
    } catch (RocksDBException e) {
      throw failed("find the keys whose timers are due", e);
    }
    return () ->
        new DueKeys(
            reached.iterator(),
            List.of(
                new IndexRange(BY_EVENT_TIME, sortable(watermark)),
                new IndexRange(BY_PROCESSING_TIME, sortable(now))));
  }

  /** Keys of the wake index with a time at or before {@code limit}. */
  private record IndexRange(byte tag, long limit) {}

  /**
   * Reads index ranges one after another from one database snapshot; frees it when done (or when
   * the store is released, for an iteration left unfinished).
   */
  private final class DueKeys implements java.util.Iterator<KeyBytes> {
    private final java.util.Iterator<KeyBytes> first;
    private final java.util.Iterator<IndexRange> ranges;
    private org.rocksdb.Snapshot snapshot;
    private org.rocksdb.ReadOptions readOptions;
    private RocksIterator current;
    private byte[] start;
    private long limit;
    private KeyBytes next;

    DueKeys(java.util.Iterator<KeyBytes> first, List<IndexRange> ranges) {
      this.first = first;
      this.ranges = ranges.iterator();
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        next = advance();
      }
      return next != null;
    }

    @Override
    public KeyBytes next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      KeyBytes key = next;
      next = null;
      return key;
    }

    private KeyBytes advance() {
      if (first.hasNext()) {
        return first.next();
      }
      while (true) {
        if (current == null) {
          if (!ranges.hasNext()) {
            close();
            return null;
          }
          open(ranges.next());
        } else {
          current.next();
        }
        if (current.isValid() && startsWith(current.key(), start)) {
          byte[] indexKey = current.key();
          long time = ByteBuffer.wrap(indexKey, start.length, 8).getLong();
          if (Long.compareUnsigned(time, limit) <= 0) {
            return new KeyBytes(Arrays.copyOfRange(indexKey, start.length + 8, indexKey.length));
          }
        }
        current.close();
        current = null;
      }
    }

    /** Positions a new iterator on the range's first key, which advance() reads next. */
    private void open(IndexRange range) {
      if (snapshot == null) {
        try {
          flushIndex();
        } catch (RocksDBException e) {
          throw failed("update the wake index", e);
        }
        snapshot = db().getSnapshot();
        readOptions = new org.rocksdb.ReadOptions().setSnapshot(snapshot);
        openIterations.add(this);
      }
      start = keyOf(range.tag(), new byte[0]);
      limit = range.limit();
      current = db().newIterator(readOptions);
      current.seek(start);
    }

    void close() {
      if (current != null) {
        current.close();
        current = null;
      }
      if (snapshot != null) {
        readOptions.close();
        db().releaseSnapshot(snapshot);
        snapshot = null;
        openIterations.remove(this);
      }
    }
  }

  @Override
  public Optional<Instant> earliestHold() {
    requireScheduled();
    try {
      refreshStale();
      flushIndex();
    } catch (RocksDBException e) {
      throw failed("update the keys' watermark holds", e);
    }
    byte[] start = keyOf(BY_HOLD, new byte[0]);
    try (RocksIterator it = db().newIterator(backend.readOptions())) {
      it.seek(start);
      if (!it.isValid() || !startsWith(it.key(), start)) {
        return Optional.empty();
      }
      return Optional.of(fromSortable(ByteBuffer.wrap(it.key(), start.length, 8).getLong()));
    }
  }

  private void refreshStale() throws RocksDBException {
    for (KeyBytes key : stale) {
      Entry<S> entry = working.get(key);
      if (entry != null && entry.value != null) {
        reindex(key, entry.value);
      }
    }
    stale.clear();
  }

  private void requireScheduled() {
    if (timetable == null) {
      throw notScheduled();
    }
  }

  /**
   * Indexes the key by the wake its state gives now; nothing is written when that is the wake it
   * is indexed by already (a counting key's wake rarely changes).
   */
  private Wake reindex(KeyBytes key, S value) throws RocksDBException {
    Entry<S> entry = working.get(key);
    Optional<Wake> indexed = indexedWake(key, entry);
    Wake wake = timetable.wakeOf(value);
    if (indexed.isPresent() && indexed.get().equals(wake)) {
      return wake;
    }
    WriteBatch batch = indexWrites();
    indexed.ifPresent(old -> unindex(batch, key.bytes(), old));
    addToIndex(batch, key.bytes(), wake);
    if (entry != null) {
      entry.indexed = Optional.of(wake);
    }
    return wake;
  }

  /** The wake the key is indexed by: known to its working-set entry, else read. */
  private Optional<Wake> indexedWake(KeyBytes key, Entry<S> entry) throws RocksDBException {
    if (entry != null && entry.indexed != null) {
      return entry.indexed;
    }
    byte[] stored = db().get(backend.readOptions(), keyOf(WAKE, key.bytes()));
    Optional<Wake> indexed = stored == null ? Optional.empty() : Optional.of(decodeWake(stored));
    if (entry != null) {
      entry.indexed = indexed;
    }
    return indexed;
  }

  /** Indexes a key that is not in the working set (a restored one). */
  private void index(KeyBytes key, Wake wake) throws RocksDBException {
    addToIndex(indexWrites(), key.bytes(), wake);
    if (indexWrites.getDataSize() >= INDEX_WRITES_BYTES) {
      flushIndex();
    }
  }

  private void addToIndex(WriteBatch batch, byte[] k, Wake wake) throws RocksDBException {
    batch.put(keyOf(WAKE, k), encodeWake(wake));
    wake.eventTime().ifPresent(t -> put(batch, indexKey(BY_EVENT_TIME, t, k)));
    wake.processingTime().ifPresent(t -> put(batch, indexKey(BY_PROCESSING_TIME, t, k)));
    wake.hold().ifPresent(t -> put(batch, indexKey(BY_HOLD, t, k)));
  }

  private WriteBatch indexWrites() {
    if (indexWrites == null) {
      indexWrites = new WriteBatch();
    }
    return indexWrites;
  }

  /** Writes the gathered index changes. */
  private void flushIndex() throws RocksDBException {
    if (indexWrites == null) {
      return;
    }
    try {
      if (indexWrites.count() > 0) {
        db().write(backend.writeOptions(), indexWrites);
      }
    } finally {
      indexWrites.close();
      indexWrites = null;
    }
  }

  private void unindex(KeyBytes key) throws RocksDBException {
    Entry<S> entry = working.get(key);
    Optional<Wake> indexed = indexedWake(key, entry);
    if (indexed.isEmpty()) {
      return;
    }
    unindex(indexWrites(), key.bytes(), indexed.get());
    if (entry != null) {
      entry.indexed = Optional.empty();
    }
  }

  private void unindex(WriteBatch batch, byte[] k, Wake wake) {
    delete(batch, keyOf(WAKE, k));
    wake.eventTime().ifPresent(t -> delete(batch, indexKey(BY_EVENT_TIME, t, k)));
    wake.processingTime().ifPresent(t -> delete(batch, indexKey(BY_PROCESSING_TIME, t, k)));
    wake.hold().ifPresent(t -> delete(batch, indexKey(BY_HOLD, t, k)));
  }

  /** Writes back the keys whose encoding changed and deletes the removed ones. */
  @Override
  void release() throws IOException {
    for (DueKeys iteration : List.copyOf(openIterations)) {
      iteration.close();
    }
    writeBack();
  }

  private void writeBack() throws IOException {
    try {
      if (working.isEmpty()) {
        flushIndex();
        return;
      }
      if (timetable != null) {
        refreshStale();
      }
      // The values go in the same write as the index changes gathered since the last one.
      WriteBatch batch = indexWrites();
      long valueWrites = 0;
      for (Map.Entry<KeyBytes, Entry<S>> e : working.entrySet()) {
        KeyBytes key = e.getKey();
        Entry<S> entry = e.getValue();
        if (entry.value != null) {
          byte[] encoded = encode(entry.value);
          if (entry.stored == null || !Arrays.equals(encoded, entry.stored)) {
            batch.put(keyOf(VALUE, key.bytes()), encoded);
            track(key, encoded);
            valueWrites++;
          }
        } else if (entry.stored != null) {
          batch.delete(keyOf(VALUE, key.bytes()));
          track(key, null);
          valueWrites++;
        }
      }
      flushIndex();
      unindexed |= timetable == null && valueWrites > 0;
      working.clear();
    } catch (RocksDBException e) {
      throw new IOException("Cannot write keyed state back to RocksDB", e);
    }
  }

  /** Notes a key written back ({@code encoded}) or deleted (null) for the next delta. */
  private void track(KeyBytes key, byte[] encoded) {
    if (!checkpointed) {
      return;
    }
    if (encoded != null) {
      written.put(key, encoded);
      deleted.remove(key);
    } else {
      written.remove(key);
      deleted.add(key);
    }
  }

  @Override
  StoreChanges checkpoint(boolean snapshot) throws IOException {
    if (!checkpointed) {
      throw new IllegalStateException("A store of a run without checkpoints was checkpointed");
    }
    release();
    StoreChanges changes =
        snapshot
            ? StoreChanges.streamed(size, states -> forEachState(backend, prefix, states))
            : StoreChanges.of(new HashMap<>(written), new HashSet<>(deleted));
    written.clear();
    deleted.clear();
    return changes;
  }

  /** Takes over the state its backend restored into this store's range of the database. */
  @Override
  void load(EncodedState restored) throws IOException {
    if (!(restored instanceof RocksDbEncodedState state)
        || !Arrays.equals(state.prefix(), prefix)) {
      throw new IllegalArgumentException("Restored state of another store or backend");
    }
    working.clear();
    written.clear();
    deleted.clear();
    stale.clear();
    if (indexWrites != null) {
      indexWrites.close(); // changes to the state the restore replaced
      indexWrites = null;
    }
    size = restored.size();
    unindexed = size > 0;
    if (timetable != null && unindexed) {
      indexAll();
    }
  }

  /** The database key of a key's state in the store of {@code prefix}. */
  static byte[] stateKey(byte[] prefix, byte[] key) {
    byte[] bytes = new byte[prefix.length + 1 + key.length];
    System.arraycopy(prefix, 0, bytes, 0, prefix.length);
    bytes[prefix.length] = VALUE;
    System.arraycopy(key, 0, bytes, prefix.length + 1, key.length);
    return bytes;
  }

  /** Streams every key's state of the store of {@code prefix}, in key order. */
  static void forEachState(
      RocksDbStateBackend backend, byte[] prefix, StoreChanges.EntryConsumer consumer)
      throws IOException {
    byte[] start = stateKey(prefix, new byte[0]);
    try (RocksIterator it = backend.db().newIterator(backend.readOptions())) {
      for (it.seek(start); it.isValid() && startsWith(it.key(), start); it.next()) {
        consumer.accept(
            new KeyBytes(Arrays.copyOfRange(it.key(), start.length, it.key().length)), it.value());
      }
      it.status(); // an I/O error ends an iteration early; it must not pass for the end
    } catch (RocksDBException e) {
      throw new IOException("Cannot read keyed state from RocksDB", e);
    }
  }

  private RocksDB db() {
    return backend.db();
  }

  private byte[] keyOf(byte tag, byte[] key) {
    byte[] bytes = stateKey(prefix, key);
    bytes[prefix.length] = tag;
    return bytes;
  }

  private byte[] indexKey(byte tag, Instant time, byte[] key) {
    byte[] bytes = new byte[prefix.length + 1 + 8 + key.length];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.put(prefix).put(tag).putLong(sortable(time)).put(key);
    return bytes;
  }

  /** Big-endian with the sign bit flipped: byte order is time order, negative times included. */
  private static long sortable(Instant time) {
    return time.getMillis() ^ Long.MIN_VALUE;
  }

  private static Instant fromSortable(long sortable) {
    return new Instant(sortable ^ Long.MIN_VALUE);
  }

  /** Compares as RocksDB orders keys: unsigned bytes. */
  private static boolean startsWith(byte[] bytes, byte[] start) {
    if (bytes.length < start.length) {
      return false;
    }
    for (int i = 0; i < start.length; i++) {
      if (bytes[i] != start[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] encodeWake(Wake wake) {
    ByteBuffer buffer = ByteBuffer.allocate(27);
    for (Optional<Instant> time : List.of(wake.eventTime(), wake.processingTime(), wake.hold())) {
      buffer.put((byte) (time.isPresent() ? 1 : 0)).putLong(time.map(Instant::getMillis).orElse(0L));
    }
    return buffer.array();
  }

  private static Wake decodeWake(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    List<Optional<Instant>> times = new ArrayList<>(3);
    for (int i = 0; i < 3; i++) {
      boolean present = buffer.get() == 1;
      long millis = buffer.getLong();
      times.add(present ? Optional.of(new Instant(millis)) : Optional.empty());
    }
    return new Wake(times.get(0), times.get(1), times.get(2));
  }

  private static void put(WriteBatch batch, byte[] key) {
    try {
      batch.put(key, new byte[0]);
    } catch (RocksDBException e) {
      throw failed("index a key's timers", e);
    }
  }

  private static void delete(WriteBatch batch, byte[] key) {
    try {
      batch.delete(key);
    } catch (RocksDBException e) {
      throw failed("index a key's timers", e);
    }
  }

  private S decode(KeyBytes key, byte[] bytes) throws IOException {
    return decode(codec, key, bytes);
  }

  private byte[] encode(S value) throws IOException {
    return encode(codec, value);
  }

  private static IllegalStateException failed(String what, Exception cause) {
    return new IllegalStateException("RocksDB keyed state: cannot " + what, cause);
  }
}
