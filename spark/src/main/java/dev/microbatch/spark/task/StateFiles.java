package dev.microbatch.spark.task;

import dev.microbatch.runner.checkpoint.FileFormat;
import dev.microbatch.runner.checkpoint.IntegrityFrame;
import dev.microbatch.runner.state.Frames;
import dev.microbatch.runner.state.StoreId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The versions of one stage partition's keyed state on disk: {@code
 * <directory>/<stage>/<partition>/<batch time>.state}, each a snapshot of every store of the
 * partition, sealed in an {@link IntegrityFrame} and written under a temporary name first, so that
 * a version either exists whole or not at all.
 */
final class StateFiles {

  static final FileFormat FORMAT = new FileFormat("stage partition state", 0x4D425353, 1); // MBSS

  private static final String SUFFIX = ".state";

  private StateFiles() {}

  static Path partitionDirectory(String directory, String stage, int partition) {
    return Path.of(directory, URLEncoder.encode(stage, StandardCharsets.UTF_8), "p" + partition);
  }

  static Path version(Path partitionDirectory, long version) {
    return partitionDirectory.resolve(version + SUFFIX);
  }

  static void write(Path file, Map<StoreId, byte[]> stores) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(stores.size());
    for (Map.Entry<StoreId, byte[]> store : stores.entrySet()) {
      out.writeUTF(store.getKey().stage());
      out.writeInt(store.getKey().partition());
      Frames.writeBytes(out, store.getValue());
    }
    out.flush();
    Files.createDirectories(file.getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temporary, IntegrityFrame.seal(FORMAT, bytes.toByteArray()));
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The stores of a version.
   *
   * @throws NoSuchFileException if the version was never written (or was pruned)
   */
  static Map<StoreId, byte[]> read(Path file) throws IOException {
    byte[] content = IntegrityFrame.open(FORMAT, file.toString(), Files.readAllBytes(file));
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(content));
    int count = in.readInt();
    Map<StoreId, byte[]> stores = new HashMap<>();
    for (int i = 0; i < count; i++) {
      StoreId id = new StoreId(in.readUTF(), in.readInt());
      stores.put(id, Frames.readBytes(in));
    }
    return stores;
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
