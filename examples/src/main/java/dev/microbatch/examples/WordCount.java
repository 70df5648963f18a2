package dev.microbatch.examples;

import dev.microbatch.runner.InvalidOptionException;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The classic Beam WordCount on the MicroBatchRunner: read lines, split them into words on
 * non-letter characters, count each word, write "word: count" lines.
 *
 * <p>Without {@code --inputFile} it writes a small sample text first, so that it runs from a clean
 * clone; without {@code --runner} it uses the MicroBatchRunner (the DirectRunner, Beam's usual
 * default, is not on this module's runtime classpath). When the pipeline is done it reads its own
 * output back and prints where it is, the number of distinct words and the total count.
 */
public final class WordCount {

  /** Where defaults live: the module's target directory when run by Maven, else ./target. */
  static final String WORK_DIR_PROPERTY = "wordcount.workDir";

  /** Options of the example: the runner's own plus input and output. */
  public interface Options extends MicroBatchPipelineOptions {
    @Description("Text file(s) to read; a glob is allowed. Default: a generated sample text.")
    @Nullable String getInputFile();

    void setInputFile(@Nullable String value);

    @Description(
        "Prefix of the output shards, e.g. /tmp/counts. Default: <target>/wordcount/counts.")
    @Nullable String getOutput();

    void setOutput(@Nullable String value);
  }

  private WordCount() {}

  public static void main(String[] args) throws IOException {
    Options options =
        PipelineOptionsFactory.fromArgs(withDefaultRunner(args)).withValidation().as(Options.class);
    Path workDir = Path.of(System.getProperty(WORK_DIR_PROPERTY, "target"));
    Path sample = workDir.resolve("sample").resolve("words.txt");
    boolean useSample = options.getInputFile() == null;
    if (useSample) {
      options.setInputFile(sample.toString());
    }
    if (options.getOutput() == null) {
      options.setOutput(workDir.resolve("wordcount").resolve("counts").toString());
    }
    // Everything is checked before anything is written or deleted: Pipeline.create has the runner
    // validate its options, and a given input must match files.
    Pipeline pipeline = createPipeline(options);
    if (!useSample) {
      requireFiles(options.getInputFile());
    }

    if (useSample) {
      SampleText.writeTo(sample);
      System.out.println("No --inputFile given; wrote a sample text to " + sample);
    }
    WordCountOutput output = WordCountOutput.forPrefix(options.getOutput());
    int stale = output.deleteShards();
    if (stale > 0) {
      System.out.println("Removed " + stale + " output shard(s) of an earlier run");
    }

    System.out.println(
        "Counting words of "
            + options.getInputFile()
            + " with "
            + options.getRunner().getSimpleName());
    long start = System.nanoTime();
    pipeline.run().waitUntilFinish();
    long millis = (System.nanoTime() - start) / 1_000_000;

    WordCountOutput.Summary summary = output.read();
    System.out.println("Pipeline finished in " + millis + " ms. Output: " + output.pattern());
    summary.shards().forEach(shard -> System.out.println("  " + shard));
    System.out.println("Distinct words: " + summary.distinctWords());
    System.out.println("Total words:    " + summary.totalCount());
    System.out.println("Most frequent:  " + summary.top(5));
  }

  /** Fails, naming the pattern, unless {@code --inputFile} matches at least one file. */
  static void requireFiles(String pattern) throws IOException {
    MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.DISALLOW);
    if (match.status() != MatchResult.Status.OK) {
      throw new InvalidOptionException("inputFile", pattern, "matches no file: " + match.status());
    }
  }

  /**
   * Adds {@code --runner=MicroBatchRunner} unless a runner is given. Beam's own default (the
   * DirectRunner) is resolved during validation, so it must be decided before parsing.
   */
  static String[] withDefaultRunner(String[] args) {
    if (Arrays.stream(args).anyMatch(arg -> arg.startsWith("--runner="))) {
      return args;
    }
    String[] withRunner = Arrays.copyOf(args, args.length + 1);
    withRunner[args.length] = "--runner=" + MicroBatchRunner.class.getSimpleName();
    return withRunner;
  }

  /** The WordCount pipeline for {@code options}, on whatever runner they name. */
  public static Pipeline createPipeline(Options options) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("ReadLines", TextIO.read().from(options.getInputFile()))
        .apply(new CountWords())
        .apply("FormatResults", MapElements.into(TypeDescriptors.strings()).via(WordCount::format))
        .apply("WriteCounts", TextIO.write().to(options.getOutput()));
    return pipeline;
  }

  static String format(KV<String, Long> wordCount) {
    return wordCount.getKey() + ": " + wordCount.getValue();
  }

  /** Lines in, (word, count) out. */
  public static final class CountWords
      extends PTransform<PCollection<String>, PCollection<KV<String, Long>>> {
    @Override
    public PCollection<KV<String, Long>> expand(PCollection<String> lines) {
      return lines.apply("ExtractWords", ParDo.of(new ExtractWordsFn())).apply(Count.perElement());
    }
  }

  /** Splits a line on runs of non-letter characters; case is kept, as in Beam's WordCount. */
  static final class ExtractWordsFn extends DoFn<String, String> {
    // Compiled once: String.split compiles a pattern like this one again for every line.
    private static final Pattern NON_LETTERS = Pattern.compile("[^\\p{L}]+");

    @ProcessElement
    public void processElement(@Element String line, OutputReceiver<String> out) {
      forEachWord(line, out::output);
    }
  }

  /**
   * Calls {@code word} with each word of {@code line}, split as the pipeline splits it; public so
   * that the benchmark's plain Java count can split the same way.
   */
  public static void forEachWord(String line, Consumer<String> word) {
    for (String w : ExtractWordsFn.NON_LETTERS.split(line)) {
      if (!w.isEmpty()) {
        word.accept(w);
      }
    }
  }
}
