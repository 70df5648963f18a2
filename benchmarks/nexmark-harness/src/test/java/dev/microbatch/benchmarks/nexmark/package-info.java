/**
 * Specs of the Nexmark harness: its reading of Nexmark's perf files, its argument parsing, its
 * table's checks, and CI's smoke run of all of it on tiny inputs.
 */
package dev.microbatch.benchmarks.nexmark;
