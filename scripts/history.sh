#!/usr/bin/env bash
# Serves finished or crashed runs from their event logs (--eventLogDir) with the same REST API a
# live run serves: /api/v1/applications/{id}/streaming/{statistics,batches,batches/{batchId}}.
# It listens on 127.0.0.1 from port 18080 on (or the port given) until Ctrl-C.
#
#   scripts/history.sh EVENT_LOG_DIR_OR_FILE [port]
#
# MAVEN_ARGS is passed to Maven, e.g. MAVEN_ARGS="-o" to build offline.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "Usage: $0 EVENT_LOG_DIR_OR_FILE [port]" >&2
  exit 2
fi
source "$(dirname "$0")/lib/module-classpath.sh"
classpath="$(module_classpath runner runtime)"
exec "$(java_command)" -cp "$classpath" dev.microbatch.runner.status.HistoryServer "$@"
