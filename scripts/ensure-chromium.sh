#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium, installing Debian's package first when none is
# on the PATH (the browser tests of the web UI need one; CI machines start without it).
set -euo pipefail
find_browser() {
  for name in chromium chromium-browser google-chrome; do
    if command -v "$name" > /dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}
if ! find_browser; then
  echo "Installing Debian's chromium package for the web UI's browser tests ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq >&2
  $sudo_cmd apt-get install -y -qq chromium >&2
  find_browser
fi
