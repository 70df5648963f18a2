#!/usr/bin/env bash
# Submits one of the examples to a Spark cluster the way Spark users do, without a Spark
# installation: Spark's own spark-submit main (org.apache.spark.deploy.SparkSubmit) from the Maven
# artifacts, with the examples' runnable jar (built if missing). The driver runs in this process
# (client mode); each batch's stages run on the cluster's executors (--clusterMaster=spark: the
# master given here).
#
#   scripts/spark-submit.sh MASTER CLASS [PIPELINE OPTIONS...]
#
# e.g. scripts/spark-submit.sh spark://127.0.0.1:7077 dev.microbatch.examples.WordCount
# MAVEN_ARGS is passed to Maven, e.g. MAVEN_ARGS="-o" to build offline.
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 MASTER CLASS [PIPELINE OPTIONS...]" >&2
  exit 2
fi
master="$1"
class="$2"
shift 2
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/module-classpath.sh"
# Spark and the libraries it needs, without the runner or Beam, as a Spark distribution's jars/
# has them (the spark module writes the list when it builds); the runner and the pipeline come in
# the application jar.
module_classpath spark compile > /dev/null
classpath="$(cat "$root/spark/target/spark-jars.classpath")"
jar="$root/examples/target/microbatch-examples.jar"
if [[ ! -f "$jar" ]]; then
  echo "Building $jar ..." >&2
  # shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
  mvn -B -q -f "$root/pom.xml" ${MAVEN_ARGS:-} package -DskipTests -pl examples -am >&2
fi
# Spark's module openings for Java 17, as the build defines them.
read -r -a java_options < "$root/spark/target/classes/dev/microbatch/spark/cluster/java-options.txt"
exec "$(java_command)" "${java_options[@]}" -cp "$classpath" org.apache.spark.deploy.SparkSubmit \
  --master "$master" --deploy-mode client --class "$class" \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  --conf spark.ui.enabled=false --conf spark.executor.memory=1536m \
  "$jar" --clusterMaster=spark "$@"
