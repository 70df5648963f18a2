/**
 * The Beam-facing runner: {@code MicroBatchRunner}, {@code TestMicroBatchRunner}, their options,
 * registrars and pipeline result, and the service interface through which the translation module
 * hands the engine a DStream graph.
 */
package dev.microbatch.runner;
