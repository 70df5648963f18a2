package dev.microbatch.runner;

import dev.microbatch.runner.dstream.DStreamGraph;
import org.apache.beam.sdk.Pipeline;

/**
 * Turns a Beam pipeline into a DStream graph. The runner finds the implementation through {@link
 * java.util.ServiceLoader}, so the engine does not depend on the translation module (which depends
 * on it).
 */
public interface PipelineTranslator {

  /** Translates {@code pipeline}; an unsupported transform fails here, named with its URN. */
  DStreamGraph translate(Pipeline pipeline, MicroBatchPipelineOptions options);
}
