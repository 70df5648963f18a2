package dev.microbatch.runner;

import dev.microbatch.runner.checkpoint.Locations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Checks that {@code --checkpointLocation} is a directory the runner can write checkpoints to, or
 * create, before the run has any side effect (the first checkpoint is written only after the first
 * batch has committed its sinks). Local paths are checked on disk; other Beam FileSystems only for
 * a registered scheme, as their permissions are theirs to know.
 */
final class CheckpointLocationValidator {

  private static final String OPTION = "checkpointLocation";

  private CheckpointLocationValidator() {}

  static void validate(String location) {
    if (location.isBlank()) {
      throw invalid(location, "must not be blank");
    }
    ResourceId resource;
    try {
      resource = Locations.directory(location);
    } catch (IllegalArgumentException e) {
      throw invalid(location, e.getMessage());
    }
    if ("file".equals(resource.getScheme())) {
      validateLocal(location, localPath(location));
    }
  }

  private static void validateLocal(String location, Path directory) {
    if (Files.exists(directory)) {
      requireWritableDirectory(location, directory, "");
      return;
    }
    // The store creates missing directories: the nearest one that exists must take them.
    Path existing = directory.toAbsolutePath().getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null) {
      requireWritableDirectory(location, existing, " to create it in");
    }
  }

  private static void requireWritableDirectory(String location, Path path, String purpose) {
    if (!Files.isDirectory(path)) {
      throw invalid(location, path + " is not a directory" + purpose);
    }
    if (!Files.isWritable(path)) {
      throw invalid(location, "directory " + path + purpose + " is not writable");
    }
  }

  private static Path localPath(String location) {
    return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
  }

  private static InvalidOptionException invalid(String location, String reason) {
    return new InvalidOptionException(OPTION, "'" + location + "'", reason);
  }
}
