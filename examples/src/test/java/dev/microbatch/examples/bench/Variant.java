package dev.microbatch.examples.bench;

import dev.microbatch.examples.WordCount;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** One runner configuration under test: a label and the pipeline arguments that make it. */
record Variant(String label, List<String> args) implements Contender {

  static final Variant MICRO_BATCH =
      new Variant(
          "MicroBatchRunner", List.of("--runner=MicroBatchRunner", "--logEveryBatch=false"));

  /** The runner with its web UI, REST API and /metrics endpoint off, to show what they cost. */
  static final Variant MICRO_BATCH_UI_OFF =
      new Variant(
          "MicroBatchRunner(UI off)",
          List.of("--runner=MicroBatchRunner", "--logEveryBatch=false", "--uiPort=0"));

  /**
   * DirectRunner as a user gets it: immutability and encodability checks on. {@code
   * --blockOnRun=false} only makes {@code run()} return a handle at once, so that a run that is too
   * slow can be cancelled; the pipeline executes the same.
   */
  static final Variant DIRECT =
      new Variant("DirectRunner", List.of("--runner=DirectRunner", "--blockOnRun=false"));

  /** DirectRunner with the two checks users turn off when it is too slow. */
  static final Variant DIRECT_UNCHECKED =
      new Variant(
          "DirectRunner(no enforcement)",
          List.of(
              "--runner=DirectRunner",
              "--blockOnRun=false",
              "--enforceImmutability=false",
              "--enforceEncodability=false"));

  static final List<Variant> ALL =
      List.of(MICRO_BATCH, MICRO_BATCH_UI_OFF, DIRECT, DIRECT_UNCHECKED);

  WordCount.Options options(String inputFile, String output) {
    String[] all =
        Stream.concat(
                args.stream(),
                Stream.of(
                    "--inputFile=" + inputFile, "--output=" + output, "--jobName=bench-" + slug()))
            .toArray(String[]::new);
    return PipelineOptionsFactory.fromArgs(all).withValidation().as(WordCount.Options.class);
  }

  boolean isDirect() {
    return args.contains("--runner=DirectRunner");
  }

  /** The parallelism the runner will use with these options, for the report. */
  String parallelism() {
    WordCount.Options options = options("unused", "unused");
    return isDirect()
        ? "targetParallelism=" + options.as(DirectOptions.class).getTargetParallelism()
        : "parallelism=" + options.getParallelism();
  }
}
