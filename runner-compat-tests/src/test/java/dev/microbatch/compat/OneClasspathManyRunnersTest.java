package dev.microbatch.compat;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import dev.microbatch.examples.WordCount;
import dev.microbatch.examples.WordCountOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * The examples' WordCount, with the same arguments but {@code --runner}, counts the same words on
 * every runner of one classpath.
 */
@RunWith(Parameterized.class)
public class OneClasspathManyRunnersTest {

  private static final List<String> LINES =
      List.of(
          "The river ran past the mill, and the mill turned.",
          "A heron stood in the river; the heron waited.",
          "Night came over the mill and over the river.");

  @Parameters(name = "{0}")
  public static List<String> runners() {
    return List.of("DirectRunner", "FlinkRunner", "SparkRunner", "MicroBatchRunner");
  }

  @Parameter public String runner;

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void countsTheWordsAsPlainJavaDoes() throws IOException {
    Path input = Files.write(folder.getRoot().toPath().resolve("lines.txt"), LINES);
    String output = folder.getRoot().toPath().resolve("counts").toString();
    WordCount.Options options =
        PipelineOptionsFactory.fromArgs(
                "--runner=" + runner, "--inputFile=" + input, "--output=" + output)
            .withValidation()
            .as(WordCount.Options.class);

    PipelineResult.State state = WordCount.createPipeline(options).run().waitUntilFinish();

    assertEquals(PipelineResult.State.DONE, state);
    WordCountOutput.Summary summary = WordCountOutput.forPrefix(output).read();
    assertFalse("no output shards from " + runner, summary.shards().isEmpty());
    assertEquals(expectedCounts(), summary.counts());
  }

  /** The oracle: words as WordCount defines them (runs of letters, case kept), counted in Java. */
  private static Map<String, Long> expectedCounts() {
    return LINES.stream()
        .flatMap(line -> Arrays.stream(line.split("[^\\p{L}]+")))
        .filter(word -> !word.isEmpty())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }
}
