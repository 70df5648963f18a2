#!/usr/bin/env bash
# Starts a Spark standalone cluster on 127.0.0.1 for trying the runner's Spark backend without a
# Spark installation: a Master and Workers (1 core, 2 GB each) run as child JVMs from the Spark
# Maven artifacts the project builds with (no Spark download; SPARK_HOME is a temporary folder with
# an empty jars/). It prints the master URL and runs until Ctrl-C, which stops every process.
#
#   scripts/spark-local-cluster.sh [workers [port]]
#
# workers: 2 unless given; port: the Master's, 7077 (Spark's default) unless given. MAVEN_ARGS is
# passed to Maven, e.g. MAVEN_ARGS="-o" to build offline.
set -euo pipefail
source "$(dirname "$0")/lib/module-classpath.sh"
# compile scope includes Spark, which the module declares provided (a cluster's own).
classpath="$(module_classpath spark compile)"
exec "$(java_command)" -cp "$classpath" dev.microbatch.spark.cluster.LocalStandaloneCluster "$@"
