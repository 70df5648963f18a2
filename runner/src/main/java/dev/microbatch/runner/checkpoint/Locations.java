package dev.microbatch.runner.checkpoint;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Directories named by a user as Beam FileSystem specs ({@code --checkpointLocation}, {@code
 * --eventLogDir}). Beam's local file system takes a new resource's spec as a path, so {@code
 * file:///tmp/x} would become the relative directory {@code file:/tmp/x} under the working
 * directory; a {@code file:} URI is read as the local path it names.
 */
public final class Locations {

  private Locations() {}

  /** The directory {@code spec} names, through Beam's FileSystems. */
  public static ResourceId directory(String spec) {
    return FileSystems.matchNewResource(localPathOf(spec), true);
  }

  /** A {@code file:} URI as its local path; any other spec as it is. */
  static String localPathOf(String spec) {
    if (!spec.toLowerCase(Locale.ROOT).startsWith("file:")) {
      return spec;
    }
    String path = Path.of(URI.create(spec)).toString();
    return spec.endsWith("/") && !path.endsWith("/") ? path + "/" : path;
  }
}
