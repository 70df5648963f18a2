/**
 * What runs on a Spark executor: stage tasks over one chunk per partition, their context (batch,
 * side inputs, the partition's versioned keyed state) and the reports they send the driver.
 */
package dev.microbatch.spark.task;
