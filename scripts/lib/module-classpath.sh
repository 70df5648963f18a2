# Sourced by the scripts that run a module's main class. module_classpath MODULE SCOPE compiles
# MODULE and the modules it needs (to test-compile: the test jars other modules use resolve to
# their test classes on a fresh clone; nothing is installed into the local repository) and prints its
# classes folder and its dependencies of SCOPE (compile includes provided ones) as a classpath.
# Maven's output is shown only if the build fails. MAVEN_ARGS, if set, is passed to Maven.

module_classpath() {
  local module="$1" scope="$2" root log
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  echo "Building $module and its classpath (mvn -pl $module -am test-compile) ..." >&2
  # shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
  if ! log="$(mvn -B -q -f "$root/pom.xml" ${MAVEN_ARGS:-} -pl "$module" -am test-compile \
    dependency:build-classpath -Dmdep.includeScope="$scope" \
    -Dmdep.outputFile="target/$scope.classpath" 2>&1)"; then
    echo "$log" >&2
    return 1
  fi
  echo "$root/$module/target/classes:$(cat "$root/$module/target/$scope.classpath")"
}

# The java of JAVA_HOME if set, else the one on the PATH.
java_command() {
  echo "${JAVA_HOME:+$JAVA_HOME/bin/}java"
}
