/** Keyed state stores that live across batches, one per stage partition. */
package dev.microbatch.runner.state;
