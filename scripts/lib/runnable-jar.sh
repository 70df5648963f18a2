# Sourced by the scripts. runnable_jar MODULE JAR prints the path of a module's runnable jar
# (MODULE/target/JAR), building it with Maven only if it is not there yet: one build, then every
# call starts the jar directly. After changing the sources, rebuild it with
#   mvn -B -q package -DskipTests -pl MODULE -am
# MAVEN_ARGS, if set, is passed to Maven (e.g. "-o" for offline).

runnable_jar() {
  local module="$1" jar="$2" root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local path="$root/$module/target/$jar"
  if [[ ! -f "$path" ]]; then
    echo "Building $module/target/$jar once (mvn -pl $module -am package -DskipTests) ..." >&2
    local log
    # Maven's output is shown only if the build fails: on success it is noise.
    # shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
    if ! log="$(mvn -B -q -f "$root/pom.xml" ${MAVEN_ARGS:-} -pl "$module" -am package \
      -DskipTests 2>&1)"; then
      echo "$log" >&2
      return 1
    fi
  fi
  echo "$path"
}

# The java of JAVA_HOME if set, else the one on the PATH.
java_command() {
  echo "${JAVA_HOME:+$JAVA_HOME/bin/}java"
}
