package dev.microbatch.spark.task;

import dev.microbatch.runner.checkpoint.FileFormat;
import dev.microbatch.runner.checkpoint.IntegrityFrame;
import dev.microbatch.runner.state.StateCheckpoint;
import dev.microbatch.runner.state.StateCheckpointCodec;
import dev.microbatch.runner.state.StateChain;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The versions of one stage partition's keyed state on disk: {@code
 * <directory>/<stage>/<partition>/<batch time>.state}, each either a snapshot of every store of the
 * partition or what changed since the version it names as its parent, sealed in a streamed {@link
 * IntegrityFrame} and written under a temporary name first, so that a version either exists whole
 * or not at all. A version's state is its chain read back to the snapshot it starts from.
 */
final class StateFiles {

  // Version 1 held a snapshot of every store in every version; version 2 was built in memory whole.
  static final FileFormat FORMAT = new FileFormat("stage partition state", 0x4D425353, 3); // MBSS

  private static final String SUFFIX = ".state";

  private StateFiles() {}

  static Path partitionDirectory(String directory, String stage, int partition) {
    return Path.of(directory, URLEncoder.encode(stage, StandardCharsets.UTF_8), "p" + partition);
  }

  static Path version(Path partitionDirectory, long version) {
    return partitionDirectory.resolve(version + SUFFIX);
  }

  /**
   * Writes a version, streamed one key at a time (a partition's state may be larger than the heap).
   *
   * @return the bytes written
   */
  static long write(Path file, StateCheckpoint state) throws IOException {
    Files.createDirectories(file.getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    IntegrityFrame.Sealing sealing =
        IntegrityFrame.sealing(FORMAT, Files.newOutputStream(temporary));
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(sealing, 1 << 16))) {
      StateCheckpointCodec.write(out, state);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return sealing.fileBytes();
  }

  /**
   * The state of a version: it and the versions it builds on, back to a snapshot, each file checked
   * whole; their keys are read when the chain is replayed.
   *
   * @throws NoSuchFileException if a version of the chain was never written (or was pruned)
   */
  static StateChain read(Path partitionDirectory, long version) throws IOException {
    return StateChain.read(
        version,
        current -> {
          Path file = version(partitionDirectory, current);
          if (!Files.exists(file)) {
            throw new NoSuchFileException(
                file.toString(),
                null,
                "version " + version + " of the partition's state builds on it, and it is missing");
          }
          IntegrityFrame.verify(FORMAT, file.toString(), Files.newInputStream(file));
          Optional<Long> parent;
          try (DataInputStream in = content(file)) {
            parent = StateCheckpointCodec.readParent(in);
          }
          return new StateChain.Version(
              parent,
              sink -> {
                try (DataInputStream in = content(file)) {
                  StateCheckpointCodec.readParent(in);
                  StateCheckpointCodec.readStores(in, sink);
                }
              });
        });
  }

  private static DataInputStream content(Path file) throws IOException {
    return IntegrityFrame.content(FORMAT, file.toString(), Files.newInputStream(file));
  }

  /** Deletes a version, if it was written (by an attempt of the batch that did not commit). */
  static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }
  /**
   * The newest version at or before {@code version}: a task that did not open its state in some
   * batch wrote no version for it, and its state then is that of the version before.
   */
  static java.util.Optional<Long> newestUpTo(Path partitionDirectory, long version)
      throws IOException {
    if (!Files.isDirectory(partitionDirectory)) {
      return java.util.Optional.empty();
    }
    try (Stream<Path> files = Files.list(partitionDirectory)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(SUFFIX))
          .map(name -> Long.parseLong(name.substring(0, name.length() - SUFFIX.length())))
          .filter(v -> v <= version)
          .max(Long::compare);
    }
  }

  /** Deletes the versions before {@code keepFrom}: no committed batch can go back to them. */
  static void pruneBefore(Path partitionDirectory, long keepFrom) throws IOException {
    try (Stream<Path> files = Files.list(partitionDirectory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(SUFFIX)
            && Long.parseLong(name.substring(0, name.length() - SUFFIX.length())) < keepFrom) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
