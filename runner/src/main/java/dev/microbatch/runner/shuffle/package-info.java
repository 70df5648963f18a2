/**
 * Hash shuffle by encoded key: the key bytes decide equality and the partition; blocks hold the
 * records encoded, and a reduce partition reads them back key by key.
 */
package dev.microbatch.runner.shuffle;
