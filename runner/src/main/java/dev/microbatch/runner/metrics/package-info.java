/** Attempted and committed Beam metrics, committed at the batch boundary. */
package dev.microbatch.runner.metrics;
