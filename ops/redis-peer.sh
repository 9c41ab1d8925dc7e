#!/usr/bin/env bash
# Installs the Redis Lua peer of the benchmarks: Debian's redis-server package. Does nothing when it is there.
# The load generator (ops/flashgate bench) starts its own redis-server on a free loopback port with a temp
# folder and stops it at the end; the package's system service is stopped and disabled so it does not take
# CPU from the measurements.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q redis-server
# The package starts a system redis on 6379 where an init system runs; the benchmark does not use it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
  $SUDO service redis-server stop >/dev/null 2>&1 || true
fi
