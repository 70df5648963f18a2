/**
 * A batch of the DStream graph as Spark RDDs on the driver: which streams run on the executors,
 * how elements cross (coder bytes only), and what the driver records from the task reports.
 */
package dev.microbatch.spark.plan;
