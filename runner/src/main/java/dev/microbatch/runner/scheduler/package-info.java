/**
 * Batch time and its clock: the job generator cuts time into batches, the job scheduler runs them
 * in order and publishes batch events to streaming listeners.
 */
package dev.microbatch.runner.scheduler;
