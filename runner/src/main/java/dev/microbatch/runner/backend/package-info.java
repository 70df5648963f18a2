/**
 * Choosing where a run's batches are computed: this JVM by default, or a cluster backend found on
 * the classpath and named by {@code --clusterMaster}.
 */
package dev.microbatch.runner.backend;
