package dev.microbatch.runner.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import dev.microbatch.runner.state.StateChain;
import dev.microbatch.runner.state.StateCheckpoint;
import dev.microbatch.runner.state.StateCheckpointCodec;
import java.io.DataInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint directory on any Beam FileSystem (a local path by default).
 *
 * <p>Files are {@code checkpoint-<batch time>} and {@code pending-<batch time>}, written to a
 * temporary name and renamed, so a reader never sees half a file, and sealed in an {@link
 * IntegrityFrame}, so that one damaged afterwards is refused. A checkpoint's keyed state is a
 * snapshot or the changes since the checkpoint before it, so the state as of a checkpoint is its
 * chain read back to the last snapshot; it is streamed in and out of the files one key at a time,
 * as it may be larger than the heap. The latest {@link #KEEP} checkpoints are kept, with every
 * older one their chains need; pending batches at or before the latest checkpoint are deleted.
 *
 * <p>A damaged latest checkpoint or pending batch stops recovery with a {@link
 * DamagedCheckpointException}: resuming from the checkpoint before would process, and publish,
 * the batches committed since then again, so only the user may choose it (by moving the file
 * away).
 */
public final class CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final String CHECKPOINT = "checkpoint-";
  private static final String PENDING = "pending-";
  static final int KEEP = 2;

  private final String directory;
  private final ResourceId root;
  /** The snapshot each checkpoint this store has written or read chains back to, by time. */
  private final Map<Long, Long> snapshotOf = new HashMap<>();

  public CheckpointStore(String directory) {
    this.directory = directory;
    this.root = Locations.directory(directory);
  }

  public String directory() {
    return directory;
  }

  /**
   * The latest checkpoint, the files of its keyed state and the batches pending after it, oldest
   * first.
   *
   * @throws DamagedCheckpointException if either file, or a file the keyed state builds on, is
   *     damaged
   */
  public Recovery recover() throws IOException {
    List<Named> checkpoints = list(CHECKPOINT);
    Optional<Checkpoint> latest = Optional.empty();
    StateChain state = StateChain.empty();
    if (!checkpoints.isEmpty()) {
      Named newest = checkpoints.get(checkpoints.size() - 1);
      try {
        latest = Optional.of(readCheckpoint(newest.id()));
        state = stateOf(latest.get());
      } catch (DamagedFileException e) {
        throw refusal(e, fallBackFrom(checkpoints));
      }
    }
    long after = latest.map(c -> c.time().millis()).orElse(Long.MIN_VALUE);
    List<PendingBatch> pending = new ArrayList<>();
    for (Named file : list(PENDING)) {
      if (file.time() > after) {
        try {
          pending.add(CheckpointCodec.decodePending(file.id().toString(), read(file)));
        } catch (DamagedFileException e) {
          throw refusal(
              e,
              "move it (and any pending batch after it) out of the directory to run the batch"
                  + " again over a new slice, knowing that if its transaction had committed before"
                  + " the run stopped, its results are published again");
        }
      }
    }
    return new Recovery(latest, state, pending);
  }

  /**
   * The keyed state as of {@code checkpoint}: the files of the snapshot its chain starts from and of
   * every delta after it up to {@code checkpoint}, each checked whole; their keys are read when the
   * chain is replayed.
   *
   * @throws DamagedFileException if a checkpoint of the chain is damaged or missing
   */
  public StateChain stateOf(Checkpoint checkpoint) throws IOException {
    long latest = checkpoint.time().millis();
    List<Long> times = new ArrayList<>();
    StateChain chain =
        StateChain.read(
            latest,
            time -> {
              times.add(time);
              ResourceId file = checkpointFile(time);
              Checkpoint read = time == latest ? checkpoint : readAncestor(file, times);
              return stateVersion(file, read.stateParent());
            });
    times.forEach(time -> snapshotOf.put(time, chain.snapshotVersion()));
    return chain;
  }

  private ResourceId checkpointFile(long time) {
    return root.resolve(CHECKPOINT + name(time), StandardResolveOptions.RESOLVE_FILE);
  }

  /** The checkpoint in {@code file}, which {@code chain}'s one before builds on. */
  private Checkpoint readAncestor(ResourceId file, List<Long> chain) throws IOException {
    try {
      return readCheckpoint(file);
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      throw new DamagedFileException(
          file.toString(),
          "it is missing, and the keyed state of the checkpoint of batch "
              + chain.get(chain.size() - 2)
              + " builds on it");
    }
  }

  /** Checks the whole checkpoint file, then reads its fields (not its keyed state). */
  private static Checkpoint readCheckpoint(ResourceId file) throws IOException {
    IntegrityFrame.verify(CheckpointCodec.CHECKPOINT, file.toString(), open(file));
    try (DataInputStream in = content(file)) {
      return CheckpointCodec.readCheckpoint(in);
    }
  }

  /** The keyed state in a checked checkpoint file, read again, key by key, when replayed. */
  private static StateChain.Version stateVersion(ResourceId file, Optional<Long> parent) {
    return new StateChain.Version(
        parent,
        sink -> {
          try (DataInputStream in = content(file)) {
            CheckpointCodec.readCheckpoint(in);
            StateCheckpointCodec.readStores(in, sink);
          }
        });
  }

  private static DataInputStream content(ResourceId file) throws IOException {
    return IntegrityFrame.content(CheckpointCodec.CHECKPOINT, file.toString(), open(file));
  }

  private static InputStream open(ResourceId file) throws IOException {
    return Channels.newInputStream(FileSystems.open(file));
  }

  /** What moving a damaged latest checkpoint away means. */
  private static String fallBackFrom(List<Named> checkpoints) {
    if (checkpoints.size() < 2) {
      return "start afresh with an empty --checkpointLocation, knowing that keyed state starts empty"
          + " and each Kafka input starts from its consumer group's committed offsets";
    }
    return "move it out of the directory to resume from the checkpoint before it, "
        + checkpoints.get(checkpoints.size() - 2).id().getFilename()
        + ", knowing that the batches committed after that one are processed again: their results"
        + " are published again and their keyed state is updated again";
  }

  private DamagedCheckpointException refusal(DamagedFileException damage, String fallBack) {
    return new DamagedCheckpointException(
        "Not resuming from --checkpointLocation="
            + directory
            + ": "
            + damage.getMessage()
            + ". An older checkpoint is not used in its place on its own. Either restore the file"
            + " from a copy, or "
            + fallBack
            + ".",
        damage);
  }

  /** Records the slice of the batch about to run. */
  public void writePending(PendingBatch pending) throws IOException {
    writeAtomically(PENDING + name(pending.time().millis()), CheckpointCodec.encode(pending));
  }

  /**
   * Records a committed batch with its keyed state ({@code state}, streamed into the file), then
   * prunes what it supersedes.
   *
   * @return the size of the checkpoint file in bytes
   */
  public long write(Checkpoint checkpoint, StateCheckpoint state) throws IOException {
    if (!state.parent().equals(checkpoint.stateParent())) {
      throw new IllegalArgumentException(
          "The keyed state builds on " + state.parent() + ", the checkpoint on "
              + checkpoint.stateParent());
    }
    long time = checkpoint.time().millis();
    long[] bytes = {0};
    writeAtomically(
        CHECKPOINT + name(time),
        out -> bytes[0] = CheckpointCodec.write(checkpoint, state.stores(), out));
    Optional<Long> parent = checkpoint.stateParent();
    snapshotOf.put(time, parent.isEmpty() ? time : snapshotOf.getOrDefault(parent.get(), -1L));
    List<ResourceId> obsolete = new ArrayList<>();
    List<Named> checkpoints = list(CHECKPOINT);
    // Kept: the latest KEEP checkpoints and the chains they build on. A chain this store has not
    // read (-1: unknown) keeps everything before it.
    long keepFrom = Long.MAX_VALUE;
    for (int i = Math.max(0, checkpoints.size() - KEEP); i < checkpoints.size(); i++) {
      keepFrom = Math.min(keepFrom, snapshotOf.getOrDefault(checkpoints.get(i).time(), -1L));
    }
    for (Named file : checkpoints) {
      if (file.time() < keepFrom) {
        obsolete.add(file.id());
        snapshotOf.remove(file.time());
      }
    }
    for (Named file : list(PENDING)) {
      if (file.time() <= time) {
        obsolete.add(file.id());
      }
    }
    if (!obsolete.isEmpty()) {
      FileSystems.delete(obsolete, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    }
    return bytes[0];
  }

  /** Writes a file's content into a stream, which it closes. */
  @FunctionalInterface
  private interface FileWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  private void writeAtomically(String fileName, byte[] bytes) throws IOException {
    writeAtomically(
        fileName,
        out -> {
          try (out) {
            out.write(bytes);
          }
        });
  }

  private void writeAtomically(String fileName, FileWriter writer) throws IOException {
    ResourceId target = root.resolve(fileName, StandardResolveOptions.RESOLVE_FILE);
    ResourceId temporary =
        root.resolve(
            ".tmp-" + fileName + "-" + UUID.randomUUID(), StandardResolveOptions.RESOLVE_FILE);
    OutputStream out = Channels.newOutputStream(FileSystems.create(temporary, MimeTypes.BINARY));
    try {
      writer.writeTo(out);
    } catch (IOException | RuntimeException e) {
      try {
        out.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      FileSystems.delete(
          List.of(temporary), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      throw e;
    }
    FileSystems.rename(List.of(temporary), List.of(target));
  }

  private static byte[] read(Named file) throws IOException {
    return read(file.id());
  }

  private static byte[] read(ResourceId file) throws IOException {
    try (InputStream in = open(file)) {
      return in.readAllBytes();
    }
  }

  private record Named(ResourceId id, long time) {}

  /** The files with {@code prefix}, oldest first. */
  private List<Named> list(String prefix) throws IOException {
    String pattern = root.resolve(prefix + "*", StandardResolveOptions.RESOLVE_FILE).toString();
    MatchResult match =
        FileSystems.match(pattern, org.apache.beam.sdk.io.fs.EmptyMatchTreatment.ALLOW);
    if (match.status() == MatchResult.Status.NOT_FOUND) {
      return List.of();
    }
    List<Named> files = new ArrayList<>();
    for (MatchResult.Metadata metadata : match.metadata()) {
      String name = metadata.resourceId().getFilename();
      if (name != null && name.startsWith(prefix)) {
        try {
          files.add(
              new Named(metadata.resourceId(), Long.parseLong(name.substring(prefix.length()))));
        } catch (NumberFormatException e) {
          LOG.warn("Ignoring {} in the checkpoint directory", name);
        }
      }
    }
    files.sort(Comparator.comparingLong(Named::time));
    return files;
  }

  /** Zero-padded so that names sort by time. */
  private static String name(long millis) {
    return String.format("%020d", millis);
  }
}
