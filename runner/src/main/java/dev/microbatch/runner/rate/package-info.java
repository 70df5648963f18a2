/**
 * Rate control of inputs: a bound per partition and batch from a fixed maximum rate, an initial
 * rate, and backpressure, where a rate estimator learns from each completed batch's processing time
 * and scheduling delay how fast the job can go.
 */
package dev.microbatch.runner.rate;
