/** Where a batch's tasks run: one task per partition, on a local thread pool by default. */
package dev.microbatch.runner.executor;
