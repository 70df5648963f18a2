package dev.microbatch.runner.status;

import dev.microbatch.runner.checkpoint.Locations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;

/**
 * Where an event log's lines go and come back from. A plain path names a local folder, where each
 * run's log is one file that every event is appended to at once, so a run killed with SIGKILL
 * leaves a log whole up to its last event. A URI ({@code scheme://...}, {@code file://} included)
 * names a folder of any Beam {@link FileSystems} (HDFS, GCS, S3, ... when their modules are on the
 * classpath), which cannot append: each run's log is a folder of segments, each a whole object
 * written once, holding the events since the previous one. A segment is written when a batch ends,
 * at most once per {@link #SEGMENT_INTERVAL} (the first at once), and when the run ends; a killed
 * run's log is whole up to its last segment.
 */
final class EventLogStore {

  static final Duration SEGMENT_INTERVAL = Duration.ofSeconds(10);
  private static final String SEGMENT_PREFIX = "events-";
  private static final String SUFFIX = ".jsonl";

  /** A run's log being written. */
  interface Writer extends AutoCloseable {
    void append(String line) throws IOException;

    /** A batch ended: what was appended becomes readable (at once, or with the next segment). */
    void batchEnded() throws IOException;

    /** Where the log is, for people. */
    String location();

    @Override
    void close() throws IOException;
  }

  /** A run's log to be read, whole, as often as asked. */
  interface Log {
    List<String> lines() throws IOException;

    String location();
  }

  private EventLogStore() {}

  static boolean isUri(String dir) {
    return dir.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }

  /**
   * Opens a new log for run {@code id} in {@code dir}, with {@code -2}, {@code -3}, ... added to
   * the id if a log of that id exists; {@code ids} receives the id used.
   */
  static Writer create(String dir, String id, java.util.function.Consumer<String> ids)
      throws IOException {
    return create(dir, id, ids, SEGMENT_INTERVAL, System::nanoTime);
  }

  static Writer create(
      String dir,
      String id,
      java.util.function.Consumer<String> ids,
      Duration segmentInterval,
      LongSupplier nanoTime)
      throws IOException {
    if (!isUri(dir)) {
      Path directory = Path.of(dir);
      Files.createDirectories(directory);
      String used = id;
      for (int n = 2; Files.exists(directory.resolve(used + SUFFIX)); n++) {
        used = id + "-" + n;
      }
      ids.accept(used);
      return new AppendedFile(directory.resolve(used + SUFFIX));
    }
    ResourceId folder = folder(dir);
    String used = id;
    for (int n = 2; !segmentsOf(runFolder(folder, used)).isEmpty(); n++) {
      used = id + "-" + n;
    }
    ids.accept(used);
    return new Segments(runFolder(folder, used), segmentInterval, nanoTime);
  }

  /**
   * The logs at {@code location}: a local log file, a local folder's {@code *.jsonl}, a URI
   * folder's run folders of segments, or one run folder.
   */
  static List<Log> logsAt(String location) throws IOException {
    if (!isUri(location)) {
      Path path = Path.of(location);
      if (Files.isRegularFile(path)) {
        return List.of(new LocalLog(path));
      }
      if (!Files.isDirectory(path)) {
        throw new IllegalArgumentException("No event log or folder of event logs at " + location);
      }
      try (java.util.stream.Stream<Path> files = Files.list(path)) {
        List<Log> logs =
            files
                .filter(f -> f.toString().endsWith(SUFFIX))
                .sorted()
                .map(f -> (Log) new LocalLog(f))
                .toList();
        if (logs.isEmpty()) {
          throw new IllegalArgumentException("No event log (*" + SUFFIX + ") in " + location);
        }
        return logs;
      }
    }
    ResourceId folder = folder(location);
    if (!segmentsOf(folder).isEmpty()) {
      return List.of(new SegmentedLog(folder));
    }
    List<Log> logs = new ArrayList<>();
    java.util.TreeSet<String> runs = new java.util.TreeSet<>();
    for (MatchResult.Metadata segment :
        match(folder.toString() + "*/" + SEGMENT_PREFIX + "*" + SUFFIX)) {
      runs.add(segment.resourceId().getCurrentDirectory().toString());
    }
    for (String run : runs) {
      logs.add(new SegmentedLog(FileSystems.matchNewResource(run, true)));
    }
    if (logs.isEmpty()) {
      throw new IllegalArgumentException("No event log (run folders of segments) in " + location);
    }
    return logs;
  }

  private static ResourceId runFolder(ResourceId folder, String id) {
    return folder.resolve(id, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  private static ResourceId folder(String dir) {
    try {
      return Locations.directory(dir);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid value for --eventLogDir: "
              + dir
              + " ("
              + e.getMessage()
              + "; a URI's scheme needs its Beam FileSystem module on the classpath)",
          e);
    }
  }

  private static List<MatchResult.Metadata> match(String spec) throws IOException {
    MatchResult result = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
    if (result.status() == MatchResult.Status.NOT_FOUND) {
      return List.of();
    }
    return result.metadata();
  }

  private static List<ResourceId> segmentsOf(ResourceId runFolder) throws IOException {
    List<ResourceId> segments = new ArrayList<>();
    for (MatchResult.Metadata found :
        match(runFolder.toString() + SEGMENT_PREFIX + "*" + SUFFIX)) {
      segments.add(found.resourceId());
    }
    // Segment numbers have a fixed width: names sort in the order they were written.
    segments.sort(java.util.Comparator.comparing(ResourceId::getFilename));
    return segments;
  }

  /** A local log file, every line appended to it as it is written. */
  private static final class AppendedFile implements Writer {
    private final Path file;
    private final FileChannel channel;

    AppendedFile(Path file) throws IOException {
      this.file = file;
      this.channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
    }

    @Override
    public void append(String line) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public void batchEnded() {}

    @Override
    public String location() {
      return file.toString();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A run's folder of segments in a Beam FileSystem. */
  private static final class Segments implements Writer {
    private final ResourceId folder;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final StringBuilder pending = new StringBuilder();
    private int written;
    private long lastWrite;

    Segments(ResourceId folder, Duration interval, LongSupplier nanoTime) {
      this.folder = folder;
      this.intervalNanos = interval.toNanos();
      this.nanoTime = nanoTime;
    }

    @Override
    public void append(String line) {
      pending.append(line).append('\n');
    }

    @Override
    public void batchEnded() throws IOException {
      if (written == 0 || nanoTime.getAsLong() - lastWrite >= intervalNanos) {
        writeSegment();
      }
    }

    private void writeSegment() throws IOException {
      if (pending.length() == 0) {
        return;
      }
      ResourceId segment =
          folder.resolve(
              String.format("%s%06d%s", SEGMENT_PREFIX, written + 1, SUFFIX),
              StandardResolveOptions.RESOLVE_FILE);
      try (WritableByteChannel channel = FileSystems.create(segment, "application/jsonl");
          OutputStream out = Channels.newOutputStream(channel)) {
        out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
      }
      pending.setLength(0);
      written++;
      lastWrite = nanoTime.getAsLong();
    }

    @Override
    public String location() {
      return folder.toString();
    }

    @Override
    public void close() throws IOException {
      writeSegment();
    }
  }

  private record LocalLog(Path file) implements Log {
    @Override
    public List<String> lines() throws IOException {
      return Files.readAllLines(file);
    }

    @Override
    public String location() {
      return file.toString();
    }
  }

  private record SegmentedLog(ResourceId folder) implements Log {
    @Override
    public List<String> lines() throws IOException {
      List<String> lines = new ArrayList<>();
      for (ResourceId segment : segmentsOf(folder)) {
        try (InputStream in = Channels.newInputStream(FileSystems.open(segment))) {
          String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          lines.addAll(text.lines().toList());
        }
      }
      return lines;
    }

    @Override
    public String location() {
      return folder.toString();
    }
  }
}
