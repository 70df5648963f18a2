/**
 * Keyed state stores that live across batches, one per stage partition, kept on the heap or in
 * RocksDB ({@link dev.microbatch.runner.state.StateBackend}), indexed by when each key is next due,
 * and checkpointed as snapshots and deltas ({@link dev.microbatch.runner.state.StateCheckpoint}),
 * written and restored one key at a time ({@link dev.microbatch.runner.state.StateChain}).
 */
package dev.microbatch.runner.state;
