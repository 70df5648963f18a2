# Sourced by the Kafka scripts. examples_test_classpath builds the examples module and the modules
# it needs (main and test classes; no test runs, nothing is installed into the local repository)
# and prints the examples' test classpath, which holds the Kafka broker artifacts and the tools.
# MAVEN_ARGS, if set, is passed to Maven (e.g. "-o" for offline).

examples_test_classpath() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  echo "Building the examples and their Kafka tools (mvn -pl examples -am test-compile) ..." >&2
  local log
  # Maven's output is shown only if the build fails: on success it is noise.
  # shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
  if ! log="$(mvn -B -q -f "$root/pom.xml" ${MAVEN_ARGS:-} -pl examples -am test-compile \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath \
    2>&1)"; then
    echo "$log" >&2
    return 1
  fi
  echo "$root/examples/target/test-classes:$root/examples/target/classes:$(cat "$root/examples/target/test.classpath")"
}

# The java of JAVA_HOME if set, else the one on the PATH.
java_command() {
  echo "${JAVA_HOME:+$JAVA_HOME/bin/}java"
}
