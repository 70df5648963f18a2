#!/usr/bin/env bash
# Starts a Spark standalone cluster on 127.0.0.1 for trying the runner's Spark backend without a
# Spark installation: a Master and Workers (1 core, 1 GB each) run as child JVMs from the Spark
# Maven artifacts the project builds with (no Spark download; SPARK_HOME is a temporary folder with
# an empty jars/). It prints the master URL and runs until Ctrl-C, which stops every process.
#
#   scripts/spark-local-cluster.sh [workers]
#
# workers: 2 unless given. MAVEN_ARGS is passed to Maven, e.g. MAVEN_ARGS="-o" to build offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
echo "Building the Spark module and its classpath (mvn -pl spark -am compile) ..." >&2
# shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
if ! log="$(mvn -B -q -f "$root/pom.xml" ${MAVEN_ARGS:-} -pl spark -am compile \
  dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/spark.classpath \
  2>&1)"; then
  echo "$log" >&2
  exit 1
fi
classpath="$root/spark/target/classes:$(cat "$root/spark/target/spark.classpath")"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$classpath" \
  dev.microbatch.spark.cluster.LocalStandaloneCluster "$@"
