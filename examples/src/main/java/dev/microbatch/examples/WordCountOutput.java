package dev.microbatch.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The shards TextIO wrote under one prefix (Beam's default names: prefix-00000-of-00002), read back
 * so that a run can show its counts. Shards of an earlier run under the same prefix would be
 * counted too, hence {@link #deleteShards()} before a run.
 */
public final class WordCountOutput {

  private final Path directory;
  private final String prefixName;
  private final Pattern shardName;

  private WordCountOutput(Path prefix) {
    Path absolute = prefix.toAbsolutePath();
    this.directory = absolute.getParent();
    this.prefixName = absolute.getFileName().toString();
    this.shardName = Pattern.compile(Pattern.quote(prefixName) + "-\\d{5,}-of-\\d{5,}");
  }

  /** The output written by {@code TextIO.write().to(prefix)}; local files only. */
  public static WordCountOutput forPrefix(String prefix) {
    return new WordCountOutput(Path.of(prefix));
  }

  /** The file pattern of the shards, for people. */
  public String pattern() {
    return directory.resolve(prefixName) + "-*-of-*";
  }

  /** The shard files present now, sorted by name. */
  public List<Path> shards() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(f -> shardName.matcher(f.getFileName().toString()).matches())
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the shards present now; returns how many there were. */
  public int deleteShards() throws IOException {
    List<Path> shards = shards();
    for (Path shard : shards) {
      Files.delete(shard);
    }
    return shards.size();
  }

  /** Reads every shard's "word: count" lines. A word found twice is an error, not a sum. */
  public Summary read() throws IOException {
    List<Path> shards = shards();
    Map<String, Long> counts = new HashMap<>();
    for (Path shard : shards) {
      for (String line : Files.readAllLines(shard, StandardCharsets.UTF_8)) {
        int colon = line.lastIndexOf(": ");
        if (colon < 0) {
          throw new IOException("Not a 'word: count' line in " + shard + ": " + line);
        }
        String word = line.substring(0, colon);
        long count = Long.parseLong(line.substring(colon + 2));
        if (counts.put(word, count) != null) {
          throw new IOException(
              "Word '" + word + "' appears twice in the output, e.g. in " + shard);
        }
      }
    }
    return new Summary(shards, counts);
  }

  /** What a run wrote. */
  public record Summary(List<Path> shards, Map<String, Long> counts) {

    public int distinctWords() {
      return counts.size();
    }

    public long totalCount() {
      return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The {@code n} most frequent words as "word=count", most frequent first. */
    public String top(int n) {
      return counts.entrySet().stream()
          .sorted(
              Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                  .thenComparing(Map.Entry.comparingByKey()))
          .limit(n)
          .map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(", "));
    }
  }
}
