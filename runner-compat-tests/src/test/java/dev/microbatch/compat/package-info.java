/**
 * Specs for living beside Beam's other runners: one classpath with DirectRunner, FlinkRunner and
 * SparkRunner, where switching {@code --runner} is all it takes to compare them.
 */
package dev.microbatch.compat;
