#!/usr/bin/env bash
# The repository's Dockerfile, built and started as docs/deployment.md ("Docker") says, then
# GET /healthcheck on it:
#
# - where Docker works (`docker info`): `docker build`, `docker run` on the host network with
#   the guide's environment variables, waiting for the image's own HEALTHCHECK to say healthy;
# - elsewhere (CI here has no Docker engine): the image's stages without Docker, and a line
#   saying so. Stage 1 and stage 2's `yarn install --immutable` and `yarn tsc` are what
#   scripts/test.sh runs in the checkout before this check (scripts/check-build-all.sh runs them
#   again from a fresh clone); here stage 2's `yarn --cwd packages/backend build` and unpacking,
#   then stage 3 in a scratch directory laid out as the image's /app: the skeleton,
#   `yarn workspaces focus --all --production`, the bundle, the two config files and
#   instrumentation.js, started with the image's CMD and environment, until the image's
#   HEALTHCHECK command (read from the Dockerfile) succeeds.
#
# Both start on the PostgreSQL server of BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
# with fresh databases of their own, and the Azure endpoints on loopback test servers. The
# production config's fixed database port (5432) and the backend's port (7007) are moved by a
# third config file when the test server or a free port needs it; nothing else is added.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=guide-check-lib.sh
. "$root/scripts/guide-check-lib.sh"
server="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:?set it to a PostgreSQL server with pgvector}"
yarn=(node "$root/.yarn/releases/yarn-4.18.1.cjs")

scratch="$(mktemp -d /tmp/ai-assistant-guide-docker.XXXXXX)"
prefix="guide_docker_$$_"
image="ai-assistant-backend:guide-walk-$$"
container=""
backend_pid=""
stubs_pid=""
cleanup() {
  if [ -n "$container" ]; then docker rm -f "$container" >/dev/null 2>&1 || true; fi
  if [ -n "$backend_pid" ]; then kill "$backend_pid" 2>/dev/null || true; wait "$backend_pid" 2>/dev/null || true; fi
  if [ -n "$stubs_pid" ]; then kill "$stubs_pid" 2>/dev/null || true; wait "$stubs_pid" 2>/dev/null || true; fi
  for db in $(psql "$server/postgres" -Atc "SELECT datname FROM pg_database WHERE starts_with(datname, '$prefix')" 2>/dev/null); do
    psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() {
  echo "image check: $*" >&2
  exit 1
}
step_started=$(date +%s)
step_done() {
  echo "image check: $1 took $(($(date +%s) - step_started))s" >&2
  step_started=$(date +%s)
}

# The image's CMD (exec form) and its HEALTHCHECK command, from the Dockerfile itself.
dockerfile_json="$(node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\\\n\s*/g, " ");
  const lines = text.split("\n").map(l => l.trim());
  const cmd = lines.filter(l => l.startsWith("CMD ")).pop();
  const health = lines.find(l => l.startsWith("HEALTHCHECK "));
  console.log(JSON.stringify({
    cmd: JSON.parse(cmd.slice(4)),
    health: health.replace(/^HEALTHCHECK .*? CMD /, ""),
  }));
' "$root/Dockerfile")"
mapfile -t image_cmd < <(node -p 'JSON.parse(process.argv[1]).cmd.join("\n")' "$dockerfile_json")
health_cmd="$(node -p 'JSON.parse(process.argv[1]).health' "$dockerfile_json")"

# Loopback Azure OpenAI / Azure AI servers for the production config's endpoints.
start_model_stubs
azure="$(node -p "require('$scratch/stubs.json').azure")"

# The guide's `docker run -e ...` variables (docs/deployment.md, "Docker").
export_postgres_env "$server" PGPORT_TEST
export POSTGRES_DB="${prefix}backstage"
export AZURE_OPENAI_ENDPOINT="$azure" AZURE_OPENAI_API_KEY=guide-walk-key
export AZURE_AI_ENDPOINT="$azure/openai/deployments/gpt-4o" AZURE_AI_API_KEY=guide-walk-key

port=7007
if ! node -e "require('net').createServer().once('error',()=>process.exit(1)).listen(7007,'127.0.0.1',function(){this.close()})"; then
  port="$(free_port)" # another backend has 7007 on this machine
fi
export BACKEND_BASE_URL="http://127.0.0.1:$port"
# What the test environment differs in: the database server's port, the backend's port when
# 7007 is taken, and database names of this check's own (cleanup drops them).
cat >"$scratch/app-config.check.yaml" <<EOF
backend:
  listen:
    port: $port
  database:
    prefix: $prefix
    connection:
      port: $PGPORT_TEST
EOF
health_cmd="${health_cmd//127.0.0.1:7007/127.0.0.1:$port}"

wait_healthy() { # $1: what runs the HEALTHCHECK command; $2: is the backend still there
  for _ in $(seq 1 240); do
    eval "$2" || return 1
    if eval "$1"; then return 0; fi
    sleep 1
  done
  return 1
}
# The probe only looks at the status code, so the answer that passed it must be the module's
# own: a backend that serves the app answers paths it does not know with the app's index.html
# and 200, and the module mounts /healthcheck before any plugin starts precisely so that
# /healthcheck never does. Anything but the module's JSON fails; its 503 (e.g. a database
# answer slower than 3 s on a loaded machine) is waited out.
check_healthcheck_body() {
  local body=""
  for _ in $(seq 1 60); do
    body="$(curl -s "http://127.0.0.1:$port/healthcheck" | tr -d '\n\t ' || true)"
    case "$body" in
      '{"status":"ok"}')
        echo "image check: GET /healthcheck: $body" >&2
        return 0
        ;;
      '{"status":"error",'*) sleep 1 ;;
      *) break ;;
    esac
  done
  fail "GET /healthcheck did not answer the healthcheck module's {\"status\":\"ok\"} after the HEALTHCHECK command passed: $(head -c 200 <<<"$body")"
}

if docker info >/dev/null 2>&1; then
  docker build -t "$image" "$root" >"$scratch/build.log" 2>&1 || { tail -40 "$scratch/build.log" >&2; fail "docker build failed"; }
  step_done "docker build"
  # The host network reaches the loopback PostgreSQL and model servers.
  container="$(docker run -d --network host \
    -e BACKEND_BASE_URL -e POSTGRES_HOST -e POSTGRES_DB -e POSTGRES_USER -e POSTGRES_PASSWORD \
    -e AZURE_OPENAI_ENDPOINT -e AZURE_OPENAI_API_KEY -e AZURE_AI_ENDPOINT -e AZURE_AI_API_KEY \
    -e OTEL_EXPORTER_PROMETHEUS_PORT="$(free_port)" \
    -v "$scratch/app-config.check.yaml:/app/app-config.check.yaml:ro" \
    "$image" "${image_cmd[@]}" --config app-config.check.yaml)"
  # The image's own HEALTHCHECK calls 127.0.0.1:7007; when the port moved, ask from here.
  if [ "$port" = 7007 ]; then
    probe="[ \"\$(docker inspect -f '{{.State.Health.Status}}' $container)\" = healthy ]"
  else
    probe="$health_cmd"
  fi
  wait_healthy "$probe" "[ \"\$(docker inspect -f '{{.State.Running}}' $container)\" = true ]" ||
    { docker logs "$container" 2>&1 | tail -40 >&2; fail "the container did not become healthy"; }
  step_done "docker run until healthy"
  check_healthcheck_body
  echo "image check: passed with Docker" >&2
  exit 0
fi

echo "image check: Docker is not available here (docker info failed): running the Dockerfile's stages without Docker" >&2

# Stage 2's build of the backend bundle (with the app it serves) and its unpacking.
"${yarn[@]}" --cwd "$root/packages/backend" build >"$scratch/build.log" 2>&1 ||
  { tail -40 "$scratch/build.log" >&2; fail "yarn --cwd packages/backend build failed"; }
step_done "stage 2: yarn --cwd packages/backend build"

# Stage 3 in $scratch/app, as the image's /app.
app="$scratch/app"
mkdir -p "$app"
# `COPY .yarn ./.yarn` (the cache and install state are in .dockerignore): the Yarn release.
mkdir -p "$app/.yarn" && cp -r "$root/.yarn/releases" "$app/.yarn/"
cp "$root/.yarnrc.yml" "$root/backstage.json" "$root/yarn.lock" "$root/package.json" "$app/"
tar xzf "$root/packages/backend/dist/skeleton.tar.gz" -C "$app"
# Hard links into Yarn's global store rather than the image's copies: the same node_modules
# tree, without writing (and then deleting) every file of it on a loaded CI machine.
(cd "$app" && YARN_NM_MODE=hardlinks-global "${yarn[@]}" workspaces focus --all --production >"$scratch/focus.log" 2>&1) ||
  { tail -40 "$scratch/focus.log" >&2; fail "yarn workspaces focus --all --production failed"; }
step_done "stage 3: yarn workspaces focus --all --production"
tar xzf "$root/packages/backend/dist/bundle.tar.gz" -C "$app"
cp "$root/app-config.yaml" "$root/app-config.production.yaml" "$scratch/app-config.check.yaml" "$app/"
cp "$root/packages/backend/src/instrumentation.js" "$app/instrumentation.js"

# The image's ENV lines, and its CMD.
(cd "$app" && NODE_ENV=production NODE_OPTIONS="--no-node-snapshot" \
  OTEL_EXPORTER_PROMETHEUS_PORT="$(free_port)" \
  exec "${image_cmd[@]}" --config app-config.check.yaml >"$scratch/backend.log" 2>&1) &
backend_pid=$!
wait_healthy "(cd '$app' && $health_cmd)" "kill -0 $backend_pid 2>/dev/null" ||
  { tail -40 "$scratch/backend.log" >&2; fail "the image's HEALTHCHECK command never succeeded"; }
step_done "stage 3: CMD until the HEALTHCHECK command succeeds"
check_healthcheck_body
echo "image check: passed without Docker (Docker was not available: the image was not built, its stages were run directly)" >&2
