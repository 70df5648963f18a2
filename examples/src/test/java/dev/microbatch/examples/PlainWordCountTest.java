package dev.microbatch.examples;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The benchmark's references count what the pipeline counts: the letter scan, the pipeline's split
 * on one thread, and that split over shares of the file on several threads, wherever the shares
 * cut the lines.
 */
public class PlainWordCountTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void everyReferenceCountsTheSampleTextAlike() throws Exception {
    assertAllAgree(SampleText.text());
  }

  @Test
  public void sharesThatCutMultiByteCharactersOrALastLineWithoutEndCountEachLineOnce()
      throws Exception {
    assertAllAgree("élan vital\nça va, ça va\n\nnaïve café\nend without newline");
  }

  private void assertAllAgree(String text) throws Exception {
    Path file = folder.newFile().toPath();
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Map<String, Long> expected = PlainWordCount.count(file);
    assertEquals(expected, PlainWordCount.count(text));
    assertEquals(expected, PlainWordCount.countSplitAsThePipelineDoes(file));
    for (int threads = 1; threads <= 9; threads++) {
      Map<String, Long> counted = PlainWordCount.countSplitAsThePipelineDoes(file, threads);
      assertEquals(threads + " threads", expected, counted);
    }
  }
}
