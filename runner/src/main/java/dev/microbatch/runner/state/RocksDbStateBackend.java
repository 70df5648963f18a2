package dev.microbatch.runner.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed state in one RocksDB database on local disk, for state larger than the heap. Every store of
 * the owning {@link StateStores} lives in it under a prefix of its own.
 *
 * <p>The database is working storage, not a checkpoint: it has no write-ahead log, and a run that
 * restarts rebuilds it from the checkpoint, so it is deleted when the backend is closed.
 */
final class RocksDbStateBackend implements StateBackend {

  private static final Logger LOG = LoggerFactory.getLogger(RocksDbStateBackend.class);
  /** Working directories are named {@code microbatch-rocksdb-pid<pid>-<n>-<random>}. */
  private static final String PREFIX = "microbatch-rocksdb-pid";

  static {
    RocksDB.loadLibrary();
  }

  private final Path root;
  private final Map<StoreId, Integer> prefixes = new HashMap<>();
  private final LRUCache blockCache = new LRUCache(64L << 20);
  private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
  private final ReadOptions readOptions = new ReadOptions();
  private Options options;
  private Path dir;
  private RocksDB db;
  private int generation;
  private boolean closed;

  RocksDbStateBackend(Path localDir) {
    this.root = localDir;
  }

  @Override
  public synchronized <S> KeyedStateStore<S> open(
      StoreId id, StateCodec<S> codec, boolean checkpointed) {
    return new RocksDbStateStore<>(this, prefixOf(id), codec, checkpointed);
  }

  @Override
  public synchronized EncodedState restoring(StoreId id) {
    return new RocksDbEncodedState(this, prefixOf(id));
  }

  /** The bytes every database key of store {@code id} starts with. */
  private byte[] prefixOf(StoreId id) {
    int prefix = prefixes.computeIfAbsent(id, i -> prefixes.size());
    return ByteBuffer.allocate(4).putInt(prefix).array();
  }

  /** The database, opened on first use. */
  synchronized RocksDB db() {
    if (closed) {
      throw new IllegalStateException(
          "RocksDB keyed state was used after its run closed it", new Throwable("used here"));
    }
    if (db == null) {
      try {
        Files.createDirectories(root);
        try {
          removeLeftOvers(root);
        } catch (IOException | UncheckedIOException e) {
          LOG.warn("Could not look for left-over RocksDB state directories in {}", root, e);
        }
        long pid = ProcessHandle.current().pid();
        dir = Files.createTempDirectory(root, PREFIX + pid + "-" + generation++ + "-");
        options = options();
        db = RocksDB.open(options, dir.toString());
        LOG.info("Keyed state in RocksDB at {}", dir);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the RocksDB state directory in " + root, e);
      } catch (RocksDBException e) {
        throw new IllegalStateException("Cannot open RocksDB keyed state in " + dir, e);
      }
    }
    return db;
  }

  WriteOptions writeOptions() {
    return writeOptions;
  }

  ReadOptions readOptions() {
    return readOptions;
  }

  /**
   * Point reads dominate (a key's state per element), so the tables carry bloom filters; memtables
   * are kept small because a JVM may hold many of these databases (one per executor partition).
   */
  private Options options() {
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(blockCache)
            .setFilterPolicy(new BloomFilter(10, false))
            .setBlockSize(16 * 1024);
    return new Options()
        .setCreateIfMissing(true)
        .setWriteBufferSize(16L << 20)
        .setMaxWriteBufferNumber(3)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setTableFormatConfig(table);
  }

  @Override
  public synchronized void discardAll() {
    closeDb();
    prefixes.clear();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeDb();
    writeOptions.close();
    readOptions.close();
    blockCache.close();
  }

  private void closeDb() {
    if (db == null) {
      return;
    }
    db.close();
    options.close();
    db = null;
    deleteTree(dir);
  }

  /**
   * Deletes the directories of JVMs that are gone: a JVM killed with SIGKILL (or an executor its
   * cluster stopped) cannot delete its own. A directory counts as left over when its name carries
   * the process id of another JVM that no longer runs and no process holds its database's lock
   * (RocksDB locks {@code LOCK} while a database is open, which also protects a live JVM whose
   * process id is not visible here, in another pid namespace).
   */
  private static void removeLeftOvers(Path root) throws IOException {
    long self = ProcessHandle.current().pid();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path candidate : dirs.toList()) {
        String name = candidate.getFileName().toString();
        if (!name.startsWith(PREFIX) || !Files.isDirectory(candidate)) {
          continue;
        }
        String pid = name.substring(PREFIX.length()).split("-", 2)[0];
        if (pid.isEmpty() || !pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long owner = Long.parseLong(pid);
        if (owner != self && ProcessHandle.of(owner).isEmpty() && !locked(candidate)) {
          LOG.info("Deleting the RocksDB state directory {} of a JVM that is gone", candidate);
          deleteTree(candidate);
        }
      }
    }
  }

  /** Whether a process holds the lock of the database in {@code dir} (never this JVM's). */
  private static boolean locked(Path dir) {
    Path lock = dir.resolve("LOCK");
    if (!Files.exists(lock)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
        FileLock held = channel.tryLock()) {
      return held == null;
    } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
      return true;
    }
  }

  /** Deletes what it can; another JVM may be deleting the same left-over directory. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete the RocksDB state directory {} whole", dir, e);
    }
  }
}
