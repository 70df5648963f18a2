package dev.microbatch.examples;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.InvalidOptionException;
import dev.microbatch.runner.MicroBatchRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * WordCount on the MicroBatchRunner gives exactly the counts of a plain Java count of the same
 * text: across source splits, across several micro-batches, and from {@code main} as the README
 * runs it.
 */
public class WordCountTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** Words that stress the tokenizer: case, accents, non-Latin scripts, a supplementary letter. */
  private static final String[] VOCABULARY = {
    "the",
    "The",
    "THE",
    "apple",
    "Äpfel",
    "straße",
    "café",
    "naïve",
    "don",
    "t",
    "x",
    "λόγος",
    "слово",
    "単語",
    "𝒜lpha",
    "river",
    "stream",
    "batch",
    "window",
    "watermark",
  };

  /** Separators between words: spaces, punctuation, digits, apostrophes, tabs, underscores. */
  private static final String[] SEPARATORS = {
    " ", " ", " ", ", ", ". ", "'", "42", "\t", "_", "-", " (", ") "
  };

  /** About {@code lines} lines of random words and separators, some empty, some CRLF-ended. */
  private static String randomText(long seed, int lines) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    for (int l = 0; l < lines; l++) {
      int words = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(15);
      for (int w = 0; w < words; w++) {
        text.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
        text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      text.append(random.nextInt(7) == 0 ? "\r\n" : "\n");
    }
    return text.toString();
  }

  private Path write(String text) throws IOException {
    Path file = tmp.newFolder("in").toPath().resolve("text.txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private WordCountOutput.Summary runWordCount(Path input, String... extraArgs) throws IOException {
    String output = tmp.newFolder("out").toPath().resolve("counts").toString();
    String[] args = {"--inputFile=" + input, "--output=" + output, "--logEveryBatch=false"};
    String[] all =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(args), java.util.Arrays.stream(extraArgs))
            .toArray(String[]::new);
    WordCount.Options options =
        PipelineOptionsFactory.fromArgs(all).withValidation().as(WordCount.Options.class);
    options.setRunner(MicroBatchRunner.class);
    WordCount.createPipeline(options).run().waitUntilFinish();
    return WordCountOutput.forPrefix(output).read();
  }

  private static void assertSameCounts(Map<String, Long> expected, Map<String, Long> actual) {
    assertTrue(
        "Counts differ:" + PlainWordCount.differences(expected, actual), expected.equals(actual));
  }

  @Test
  public void countsMatchAPlainJavaCountAcrossSplits() throws IOException {
    String text = randomText(1L, 5_000);
    Path input = write(text);

    WordCountOutput.Summary summary = runWordCount(input, "--parallelism=3");

    Map<String, Long> expected = PlainWordCount.count(text);
    assertTrue("the test text is too small to mean much", expected.size() > 15);
    assertSameCounts(expected, summary.counts());
    assertEquals(3, summary.shards().size());
  }

  // Regression: TextIO's write reads its results through a side input fed from an Impulse; the
  // main element must wait (across batches) until that side input is complete.
  @Test
  public void countsMatchWhenTheInputIsReadOverManyBatches() throws IOException {
    String text = randomText(2L, 3_000);
    Path input = write(text);

    // 3,000 lines in batches of at most 250 lines per split: the counts live in keyed state
    // across about a dozen batches before the final watermark emits them.
    WordCountOutput.Summary summary =
        runWordCount(
            input, "--parallelism=2", "--maxRecordsPerBatch=250", "--batchIntervalMillis=1");

    assertSameCounts(PlainWordCount.count(text), summary.counts());
  }

  @Test
  public void mainCountsTheSampleTextAndPrintsTheTotals() throws IOException {
    Path workDir = tmp.newFolder("work").toPath();
    String before = System.getProperty(WordCount.WORK_DIR_PROPERTY);
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setProperty(WordCount.WORK_DIR_PROPERTY, workDir.toString());
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      WordCount.main(new String[] {"--logEveryBatch=false"});
    } finally {
      System.setOut(stdout);
      if (before == null) {
        System.clearProperty(WordCount.WORK_DIR_PROPERTY);
      } else {
        System.setProperty(WordCount.WORK_DIR_PROPERTY, before);
      }
    }

    Map<String, Long> expected = PlainWordCount.count(SampleText.text());
    long total = expected.values().stream().mapToLong(Long::longValue).sum();
    assertTrue("the sample should have a few hundred words, has " + total, total >= 300);
    WordCountOutput.Summary summary =
        WordCountOutput.forPrefix(workDir.resolve("wordcount/counts").toString()).read();
    assertSameCounts(expected, summary.counts());
    String out = printed.toString(StandardCharsets.UTF_8);
    assertTrue(out, out.contains("Distinct words: " + expected.size()));
    assertTrue(out, out.contains("Total words:    " + total));
  }

  @Test
  public void mainWithAnInvalidOptionKeepsTheLastRunsCounts() throws IOException {
    Path earlier = lastRunsShard();

    InvalidOptionException e =
        assertThrows(
            InvalidOptionException.class,
            () -> WordCount.main(argsWithOutputBeside(earlier, "--batchIntervalMillis=0")));

    assertEquals("batchIntervalMillis", e.option());
    assertTrue("the last run's counts were deleted", Files.exists(earlier));
  }

  @Test
  public void mainWithAnInputThatMatchesNothingKeepsTheLastRunsCounts() throws IOException {
    Path earlier = lastRunsShard();
    String missing = tmp.getRoot() + "/no-such-dir/*.txt";

    InvalidOptionException e =
        assertThrows(
            InvalidOptionException.class,
            () -> WordCount.main(argsWithOutputBeside(earlier, "--inputFile=" + missing)));

    assertEquals("inputFile", e.option());
    assertThat(e.getMessage(), containsString(missing));
    assertTrue("the last run's counts were deleted", Files.exists(earlier));
  }

  /** A shard as an earlier run under the prefix {@code out/counts} leaves it. */
  private Path lastRunsShard() throws IOException {
    Path shard = tmp.newFolder("out").toPath().resolve("counts-00000-of-00001");
    Files.writeString(shard, "river: 3\n", StandardCharsets.UTF_8);
    return shard;
  }

  private static String[] argsWithOutputBeside(Path shard, String arg) {
    return new String[] {"--output=" + shard.resolveSibling("counts"), arg};
  }
}
