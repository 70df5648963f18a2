/**
 * Loopback networking shared by the processes the project starts on one machine (a local Spark
 * standalone cluster, an embedded Kafka broker): everything listens on 127.0.0.1 only.
 */
package dev.microbatch.runner.net;
