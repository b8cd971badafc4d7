#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver for the tests of the group's live page (they drive a
# headless browser through chromedriver). Only where it can: as root with apt-get; quietly, each step
# bounded; it never fails the caller: without a browser those tests skip and say why.
# Measured on the build machine (Debian 12, a fresh apt cache): about 30 s, apt-get update included.
set -uo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "chromium: not installed (needs root and apt-get); the browser tests will skip"
  exit 0
fi
log="${TMPDIR:-/tmp}/install-chromium.log"
started=$SECONDS
if timeout 120 apt-get update -qq >"$log" 2>&1 &&
   DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq chromium chromium-driver >>"$log" 2>&1; then
  echo "chromium: installed in $((SECONDS - started)) s ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
else
  echo "chromium: install failed after $((SECONDS - started)) s (log: $log); the browser tests will skip"
fi
exit 0
