package dev.microbatch.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.examples.kafka.CheckedSends;
import dev.microbatch.examples.kafka.CommittedLines;
import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Instant;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * KafkaWordCount on a real broker: lines with known create times in, exactly one record per word
 * and window out, each with the count a plain Java count of that window's lines gives.
 */
public class KafkaWordCountTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static final String[] WORDS = {
    "river", "stream", "batch", "window", "the", "The", "café", "x", "watermark", "offset"
  };
  private static final String[] SEPARATORS = {" ", " ", ", ", ". ", "-", " 42 ", "\t"};
  private static final int PARTITIONS = 2;

  /** A line of random words, some lines empty. */
  private static String line(Random random) {
    StringBuilder line = new StringBuilder();
    int words = random.nextInt(8);
    for (int w = 0; w < words; w++) {
      line.append(WORDS[random.nextInt(WORDS.length)]);
      line.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
    }
    return line.toString();
  }

  private static String[] args(String input, String output, int windowSeconds, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrapServers=" + BROKER.bootstrapServers(),
                "--inputTopic=" + input,
                "--outputTopic=" + output,
                "--windowSeconds=" + windowSeconds,
                "--batchIntervalMillis=100",
                "--logEveryBatch=false"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test(timeout = 120_000)
  public void everyWordOfEveryWindowIsWrittenOnceWithItsCount() throws Exception {
    BROKER.createTopic("lines", PARTITIONS);
    BROKER.createTopic("word-counts", PARTITIONS);
    int lines = 400;
    WindowedText text = new WindowedText(10);

    // 400 lines over 45 s of create times from 2026-01-01T00:00:00Z: five windows, the last one
    // partly filled. Each partition gets its lines in time order, as one producer would send them.
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    Random random = new Random(7);
    try (KafkaProducer<String, String> producer =
        BROKER.producer(StringSerializer.class, StringSerializer.class)) {
      CheckedSends<String, String> sends = new CheckedSends<>(producer);
      for (int i = 0; i < lines; i++) {
        Instant created = start.plus(i * 45_000L / lines);
        String line = line(random);
        sends.send(new ProducerRecord<>("lines", i % PARTITIONS, created.getMillis(), null, line));
        text.add(created, line);
      }
      sends.flush();
    }
    assertEquals("the lines span five windows", 5, text.windows());

    KafkaWordCount.main(args("lines", "word-counts", 10, "--maxLines=" + lines));

    WrittenCounts written = new WrittenCounts(text);
    try (CommittedLines output = new CommittedLines(BROKER.bootstrapServers(), "word-counts")) {
      output.readToEnd(Duration.ofSeconds(60)).forEach(written::add);
    }
    Map<String, Long> expected = text.counts();
    assertTrue("every window has several words", expected.size() > 5 * WORDS.length / 2);
    written.assertMatches(expected);
  }

  /**
   * Beam's own create-time policy would hold every window back here: one partition of the input
   * never gets a line, and its watermark would not move until it did.
   */
  @Test(timeout = 120_000)
  public void windowsAreWrittenWhileTheJobRunsThoughAPartitionNeverHadALine() throws Exception {
    BROKER.createTopic("live-lines", PARTITIONS);
    BROKER.createTopic("live-counts", PARTITIONS);
    WindowedText text = new WindowedText(2);
    KafkaWordCount.Options options =
        PipelineOptionsFactory.fromArgs(
                WordCount.withDefaultRunner(args("live-lines", "live-counts", 2)))
            .as(KafkaWordCount.Options.class);
    PipelineResult result = KafkaWordCount.createPipeline(options).run();
    try {
      // Lines go to partition 0 only, stamped when they are sent, as a live producer's would be.
      Random random = new Random(11);
      try (KafkaProducer<String, String> producer =
          BROKER.producer(StringSerializer.class, StringSerializer.class)) {
        for (int i = 0; i < 50; i++) {
          String line = line(random);
          long created =
              producer.send(new ProducerRecord<>("live-lines", 0, null, line)).get().timestamp();
          text.add(new Instant(created), line);
        }
      }
      Map<String, Long> expected = text.counts();

      // The windows are written as the clock passes their ends; nothing is written twice.
      WrittenCounts written = new WrittenCounts(text);
      try (CommittedLines output = new CommittedLines(BROKER.bootstrapServers(), "live-counts")) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (written.size() < expected.size() && System.nanoTime() < deadline) {
          output.poll(Duration.ofMillis(200)).forEach(written::add);
        }
      }
      written.assertMatches(expected);
    } finally {
      result.cancel();
    }
  }

  /** The lines sent, by window, and the counts a plain Java count of each window gives. */
  private static final class WindowedText {
    private final long windowMillis;
    private final Map<Instant, StringBuilder> byWindow = new HashMap<>();

    WindowedText(int windowSeconds) {
      this.windowMillis = windowSeconds * 1000L;
    }

    void add(Instant created, String line) {
      byWindow.computeIfAbsent(windowStart(created), w -> new StringBuilder()).append(line + '\n');
    }

    int windows() {
      return byWindow.size();
    }

    Instant windowStart(Instant time) {
      return new Instant(time.getMillis() - Math.floorMod(time.getMillis(), windowMillis));
    }

    /** Count by {@link #key}. */
    Map<String, Long> counts() {
      Map<String, Long> counts = new HashMap<>();
      byWindow.forEach(
          (start, text) ->
              PlainWordCount.count(text.toString())
                  .forEach((word, count) -> counts.put(key(word, start), count)));
      return counts;
    }
  }

  /** What the job wrote, by {@link #key}, and any word and window written more than once. */
  private static final class WrittenCounts {
    private final WindowedText text;
    private final Map<String, Long> counts = new HashMap<>();
    private final List<String> writtenTwice = new ArrayList<>();

    WrittenCounts(WindowedText text) {
      this.text = text;
    }

    void add(String line) {
      WindowedCount count = WindowedCount.parse(line);
      assertEquals(line, text.windowStart(count.windowStart()), count.windowStart());
      assertEquals(line, count.windowStart().plus(text.windowMillis), count.windowEnd());
      if (counts.put(key(count.word(), count.windowStart()), count.count()) != null) {
        writtenTwice.add(line);
      }
    }

    int size() {
      return counts.size();
    }

    void assertMatches(Map<String, Long> expected) {
      assertEquals("written more than once", List.of(), writtenTwice);
      assertTrue(
          "Counts differ:" + PlainWordCount.differences(expected, counts), expected.equals(counts));
    }
  }

  /** A word in the window starting at {@code start}. */
  private static String key(String word, Instant start) {
    return start + " " + word;
  }
}
