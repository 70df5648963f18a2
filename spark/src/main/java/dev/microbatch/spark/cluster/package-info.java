/**
 * A Spark standalone cluster on loopback, started from the Maven artifacts, for trying the Spark
 * backend and for the tests that run on a real cluster.
 */
package dev.microbatch.spark.cluster;
