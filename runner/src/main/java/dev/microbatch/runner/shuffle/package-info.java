/** Hash shuffle by encoded key: the key bytes decide equality and the partition. */
package dev.microbatch.runner.shuffle;
