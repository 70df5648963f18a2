/**
 * Beam pipeline to DStream graph: runner overrides, a topological walk that hands each transform to
 * the translator of its URN, and fusion of element-wise steps into stages.
 */
package dev.microbatch.translation;
