/**
 * Runnable examples of the MicroBatchRunner. They are ordinary Beam pipelines: only the runner
 * option ties them to this project, so each one also shows that nothing runner-specific leaks into
 * user code.
 */
package dev.microbatch.examples;
