/**
 * The Spark cluster backend: with {@code --clusterMaster} naming a Spark master, each batch's
 * stages run as Spark jobs on the cluster's executors.
 */
package dev.microbatch.spark;
