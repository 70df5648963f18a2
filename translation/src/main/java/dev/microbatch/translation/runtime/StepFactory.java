package dev.microbatch.translation.runtime;

import java.io.Serializable;

/** Creates a step's runtime instance for one task. Serializable so tasks can be shipped. */
@FunctionalInterface
public interface StepFactory extends Serializable {
  Step create(StepEnvironment environment) throws Exception;
}
