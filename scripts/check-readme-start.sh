#!/usr/bin/env bash
# The README's first command, as a new user runs it: a fresh clone of this checkout's HEAD,
# an empty HOME (so empty npm and Yarn caches and no npm configuration), nothing exported
# but the machine's own certificate settings, then `npm start`. Passes when the backend's
# /healthcheck answers, the chat page is served, and the catalog ingestor has indexed at
# least one entity. Prints how long each step took after the command started.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
limit=${README_START_LIMIT_SECONDS:-1200}

work=$(mktemp -d)
log="$work/npm-start.log"
git clone --quiet "$repo" "$work/main"
mkdir "$work/home"

# The machine's trust settings (a proxy's CA, say) are the machine's, not the project's.
machine_env=()
for name in PATH LANG NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR; do
  if [ -n "${!name:-}" ]; then machine_env+=("$name=${!name}"); fi
done

started=$(date +%s)
setsid env -i "${machine_env[@]}" HOME="$work/home" \
  bash -c 'cd "$1" && exec npm start' _ "$work/main" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

elapsed() { echo $(($(date +%s) - started)); }
fail() {
  echo "README check failed after $(elapsed)s: $1; the last lines of npm start:" >&2
  tail -n 60 "$log" >&2
  exit 1
}
# Waits until the command succeeds; fails when npm start has exited or the limit is reached.
wait_for() {
  local what=$1
  shift
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "npm start exited before $what"
    [ "$(elapsed)" -lt "$limit" ] || fail "no $what within ${limit}s"
    sleep 2
  done
  echo "README check: $what after $(elapsed)s"
}

wait_for "backend /healthcheck" curl -fsS http://localhost:7007/healthcheck
wait_for "chat page" sh -c 'curl -fsS http://localhost:3000/ai-assistant | grep -q "<div id=\"root\">"'

catalog_documents() {
  local token
  token=$(curl -fsS -H 'x-requested-with: XMLHttpRequest' \
    http://localhost:7007/api/auth/guest/refresh |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).backstageIdentity.token))')
  curl -fsS -H "authorization: Bearer $token" http://localhost:7007/api/ai-assistant/ingestion |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
      const catalog = JSON.parse(s).ingestors.find(i => i.id === "catalog");
      process.exit(catalog?.documents > 0 ? 0 : 1);
    })'
}
wait_for "an indexed catalog entity" catalog_documents
echo "README check passed: npm start from a fresh clone with an empty HOME, in $(elapsed)s"
