/**
 * What a run shows of itself while it runs and after: the batch history kept from batch events, a
 * JSON event log of every batch, and an HTTP endpoint with a web UI, a REST API (shaped like
 * Spark's streaming API) and Prometheus metrics; a history server serves logged runs the same way.
 */
package dev.microbatch.runner.status;
