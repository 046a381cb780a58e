#!/usr/bin/env bash
# Installs Redis from Debian (redis-server) when it is missing and starts a throwaway server on
# 127.0.0.1, for the suites that run several backends on one shared Backstage cache service
# (backend.cache.store: redis). No persistence, no other interface. Prints the server's URL on
# the last line.
set -euo pipefail

PORT=${AI_ASSISTANT_REDIS_PORT:-56379}
WORK=${AI_ASSISTANT_REDIS_WORK:-/tmp/ai-assistant-redis}
export DEBIAN_FRONTEND=noninteractive

log() { echo "[setup-redis] $*" >&2; }

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  log "installing redis-server"
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends redis-server redis-tools >&2
fi

mkdir -p "$WORK"
if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no \
    --dir "$WORK" --logfile "$WORK/redis.log" --pidfile "$WORK/redis.pid" --daemonize yes >&2
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break
    sleep 0.2
  done
fi
log "$(redis-cli -h 127.0.0.1 -p "$PORT" info server | grep -m1 '^redis_version' | tr -d '\r')"
echo "redis://127.0.0.1:$PORT"
