#!/usr/bin/env bash
# Serves finished or crashed runs from their event logs (--eventLogDir) with the same REST API a
# live run serves: /api/v1/applications/{id}/streaming/{statistics,batches,batches/{batchId}}.
# It listens on 127.0.0.1 from port 18080 on (or the port given) until Ctrl-C.
#
#   scripts/history.sh EVENT_LOG_DIR_OR_FILE [port]
#
# MAVEN_ARGS is passed to Maven, e.g. MAVEN_ARGS="-o" to build offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ]; then
  echo "Usage: $0 EVENT_LOG_DIR_OR_FILE [port]" >&2
  exit 2
fi
echo "Building the runner and its classpath (mvn -pl runner -am compile) ..." >&2
# shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
if ! log="$(mvn -B -q -f "$root/pom.xml" ${MAVEN_ARGS:-} -pl runner -am compile \
  dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/runtime.classpath \
  2>&1)"; then
  echo "$log" >&2
  exit 1
fi
classpath="$root/runner/target/classes:$(cat "$root/runner/target/runtime.classpath")"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$classpath" \
  dev.microbatch.runner.status.HistoryServer "$@"
