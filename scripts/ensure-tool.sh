#!/usr/bin/env bash
# Prints the path of the first of COMMAND... found on the PATH, installing Debian's PACKAGE first
# when none is (the web UI's browser test needs Chromium, the metrics test a Prometheus server;
# a CI machine starts without them).
#
#   scripts/ensure-tool.sh PACKAGE COMMAND...
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "Usage: $0 PACKAGE COMMAND..." >&2
  exit 2
fi
package="$1"
shift
find_command() {
  for name in "$@"; do
    if command -v "$name" > /dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}
if ! find_command "$@"; then
  echo "Installing Debian's $package package ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq >&2
  $sudo_cmd apt-get install -y -qq "$package" >&2
  find_command "$@"
fi
