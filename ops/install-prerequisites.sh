#!/usr/bin/env bash
# Installs what Flashgate needs to build and test on a fresh Debian machine: JDK 17 and Maven, Debian's chromium and
# chromium-driver (a matching pair: the edge's browser tests drive the pages headless through /usr/bin/chromedriver,
# never a downloaded driver), Debian's redis-server for the benchmarks' peer, and Debian's postgresql for the order
# sink (its tests, and ops/flashgate sink --embedded-postgres, run private servers from /usr/lib/postgresql/*/bin).
# Does nothing when they are already there.
#   --build-only   JDK and Maven only (what ops/flashgate run needs)
set -euo pipefail
need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ "${1:-}" != --build-only ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
# The benchmarks' Redis Lua peer (its tests skip without it).
if [ "${1:-}" != --build-only ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/redis-peer.sh"
  # PostgreSQL for the order sink, only when no version is installed (its binaries, not a running server, are
  # what the sink needs: it starts private ones in folders of its own).
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
  fi
fi
