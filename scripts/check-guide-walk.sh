#!/usr/bin/env bash
# Walks the deployment guide (docs/deployment.md) the way an adopter does, against the packed
# packages instead of the registry's:
#
#   1. a scratch Backstage app outside the workspace (packages/app + packages/backend, as
#      `npx @backstage/create-app` lays them out) gets all the packed tarballs with the guide's
#      `yarn --cwd packages/<app|backend> add` commands (step 1);
#   2. packages/app gets the guide's route and sidebar item, packages/backend the guide's
#      `backend.add(...)` lines including the /healthcheck module (steps 2 and 3; copied from
#      the guide by scripts/check-guide-walk.js, so the check follows the guide);
#   3. `yarn build:backend` (step 4) builds the backend bundle and, with it, the app: the built
#      bundle must contain the assistant's page;
#   4. the built backend starts on PostgreSQL with the guide's configuration blocks (Azure
#      OpenAI embeddings, Azure AI and Ollama models, pointed at loopback test servers), runs the
#      migrations, answers GET /healthcheck with 200, serves the app at /ai-assistant and
#      ingests the catalog;
#   5. backup and restore with the guide's commands (docs/deployment.md, "Backup and
#      recovery": pg_dump | gzip, createdb, gunzip | psql -v ON_ERROR_STOP=1), then the backend
#      starts again on the restored database with the same knowledge and answers /healthcheck.
#
#   bash scripts/check-guide-walk.sh <tarball-dir>
#
# <tarball-dir> is what scripts/pack-packages.js wrote. The scratch app installs with the
# project's pinned Yarn release, Yarn's default registry and global cache, and no lockfile, as an
# adopter's first `yarn add` does. No other network: every provider is a loopback server.
# Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (a PostgreSQL server with pgvector
# whose user may create databases) and the psql, pg_dump, createdb clients. Prints how long each
# step took.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=guide-check-lib.sh
. "$root/scripts/guide-check-lib.sh"
tarballs="$(cd "${1:?usage: check-guide-walk.sh <tarball-dir>}" && pwd)"
server="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:?set it to a PostgreSQL server with pgvector}"
yarn=(node "$root/.yarn/releases/yarn-4.18.1.cjs")

scratch="$(mktemp -d /tmp/ai-assistant-guide-walk.XXXXXX)"
# Databases of our own (every plugin gets `<prefix><plugin>`), so migrations run from nothing
# and cleanup finds them. The guide's default prefix is `backstage_plugin_`.
prefix="guide_walk_$$_"
database="${prefix}ai-assistant"
backend_pid=""
stubs_pid=""
stop_backend() {
  if [ -n "$backend_pid" ]; then
    kill "$backend_pid" 2>/dev/null || true
    wait "$backend_pid" 2>/dev/null || true
    backend_pid=""
  fi
}
cleanup() {
  stop_backend
  if [ -n "$stubs_pid" ]; then kill "$stubs_pid" 2>/dev/null || true; wait "$stubs_pid" 2>/dev/null || true; fi
  for db in $(psql "$server/postgres" -Atc "SELECT datname FROM pg_database WHERE starts_with(datname, '$prefix')" 2>/dev/null); do
    psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  # GUIDE_WALK_KEEP=1 keeps the scratch app and its logs for a look afterwards.
  if [ -n "${GUIDE_WALK_KEEP:-}" ]; then echo "guide walk: kept $scratch" >&2; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

fail() {
  echo "guide walk: $*" >&2
  exit 1
}
timings=()
step_started=$(date +%s)
step_done() {
  timings+=("$1 $(($(date +%s) - step_started))s")
  echo "guide walk: $1 took $(($(date +%s) - step_started))s" >&2
  step_started=$(date +%s)
}

# The guide's database block reads POSTGRES_* variables; these come from the test server's URL.
export_postgres_env "$server" POSTGRES_PORT
export POSTGRES_DB="${prefix}backstage"
# The guide's psql/pg_dump commands with `-h` and `-p` added, as docs/deployment.md says.
export PGHOST="$POSTGRES_HOST" PGPORT="$POSTGRES_PORT" PGPASSWORD="$POSTGRES_PASSWORD"

# Loopback Azure OpenAI / Azure AI and Ollama servers (the project's test servers).
start_model_stubs
azure="$(node -p "require('$scratch/stubs.json').azure")"
ollama="$(node -p "require('$scratch/stubs.json').ollama")"
port="$(free_port)"

# Steps 1-3: the scratch app's files, and which tarballs step 1 adds to which workspace.
node "$root/scripts/check-guide-walk.js" "$tarballs" "$scratch/app" >"$scratch/adds.json"
cd "$scratch/app"
mapfile -t backend_adds < <(node -p "require('$scratch/adds.json').backend.join('\n')")
mapfile -t app_adds < <(node -p "require('$scratch/adds.json').app.join('\n')")
echo "guide walk: installing $(node -p "require('$scratch/adds.json').installed.length") packed packages" >&2

# Yarn makes installs immutable whenever CI is set, which would refuse to write the scratch
# app's first lock file.
yarn_add() {
  local workspace=$1
  shift
  if ! YARN_ENABLE_IMMUTABLE_INSTALLS=false "${yarn[@]}" --cwd "packages/$workspace" add "$@" >"$scratch/add-$workspace.log" 2>&1; then
    tail -30 "$scratch/add-$workspace.log" >&2
    fail "yarn --cwd packages/$workspace add failed"
  fi
}
yarn_add backend "${backend_adds[@]}"
step_done "step 1: yarn --cwd packages/backend add (${#backend_adds[@]} packages, first install)"
yarn_add app "${app_adds[@]}"
step_done "step 1: yarn --cwd packages/app add"

# The guide's configuration: its database block (POSTGRES_* variables) and its production
# aiAssistant blocks, with the providers on loopback. One deviation, said here: ingestion runs
# every 20 s instead of daily, so the check sees the catalog ingested without waiting a day.
cp "$root/examples/entities.yaml" "$scratch/app/entities.yaml"
cat >"$scratch/app/app-config.yaml" <<EOF
app:
  title: Scratch Backstage (deployment guide walk)
  baseUrl: http://127.0.0.1:$port
backend:
  baseUrl: http://127.0.0.1:$port
  listen:
    host: 127.0.0.1
    port: $port
  database:
    client: pg
    prefix: $prefix
    connection:
      host: \${POSTGRES_HOST}
      port: \${POSTGRES_PORT}
      user: \${POSTGRES_USER}
      password: \${POSTGRES_PASSWORD}
      database: \${POSTGRES_DB}
catalog:
  rules:
    - allow: [Component, System, API, Resource, Domain, Group, User, Location]
  locations:
    - type: file
      target: $scratch/app/entities.yaml
aiAssistant:
  prompt:
    identity: |
      You are an AI assistant for the guide walk.
      Answer questions using provided context.
  embeddings:
    # Step 1 installs three embeddings modules; the guide says to name the one to use.
    provider: azureOpenAi
    azureOpenAi:
      deploymentName: text-embedding-3-large
      apiKey: guide-walk-key
      endpoint: $azure
      openAIApiVersion: 2024-12-01-preview
    ollama:
      baseUrl: $ollama
      model: nomic-embed-text
  models:
    azureAi:
      apiKey: guide-walk-key
      models:
        - endpoint: $azure/openai/deployments/gpt-4o
          modelName: gpt-4o
    ollama:
      baseUrl: $ollama
      models: [llama3.2]
  storage:
    pgVector:
      chunkSize: 800
      amount: 15
  ingestion:
    schedule:
      frequency:
        seconds: 20
      timeout:
        hours: 2
      initialDelay:
        seconds: 5
EOF

# Step 4. `backstage-cli package build` of a backend builds the workspace packages it depends
# on first, so the app (a dependency of the backend through @backstage/plugin-app-backend's
# `app` link) is built here by its own build script.
if ! "${yarn[@]}" build:backend >"$scratch/build.log" 2>&1; then
  tail -40 "$scratch/build.log" >&2
  fail "yarn build:backend failed"
fi
step_done "step 4: yarn build:backend (backend bundle and app)"

# The app's bundle must contain the assistant: the plugin's API, the routable page extension
# the route mounts, and the page itself (its own lazily loaded chunk, here its header).
static="$scratch/app/packages/app/dist/static"
[ -d "$static" ] || fail "the app build wrote no packages/app/dist/static"
for needle in 'plugin.ai-assistant.service' 'AiAssistantPage' '/ai-assistant' \
  'Answers from your catalog, docs and repositories, with sources'; do
  grep -rqF -- "$needle" "$static" || fail "the built app does not contain \"$needle\": the plugin page is not in the app"
done
echo "guide walk: the built app contains the assistant's route, page and API" >&2

# Run the built backend as Backstage's image does: the bundle unpacked, `node packages/backend`.
# The dependencies are the scratch app's own node_modules.
mkdir "$scratch/run"
tar xzf packages/backend/dist/bundle.tar.gz -C "$scratch/run"
ln -s "$scratch/app/node_modules" "$scratch/run/node_modules"
cp app-config.yaml "$scratch/run/"
# Waits for GET /healthcheck to answer the healthcheck module's `200 {"status":"ok"}`, logging
# every answer before that. Any other 200 fails the walk: a backend that serves the app answers
# paths it does not know with its index.html and 200, so a Kubernetes readiness probe would take
# a still starting backend as ready. The module mounts its route before any plugin starts
# (aiAssistantModuleHealthcheck's root service), so this must never happen.
start_backend() {
  (cd "$scratch/run" && NODE_ENV=production exec node packages/backend --config app-config.yaml >>"$scratch/backend.log" 2>&1) &
  backend_pid=$!
  local answer="" body=""
  : >"$scratch/healthcheck.log"
  for _ in $(seq 1 180); do
    kill -0 "$backend_pid" 2>/dev/null || break
    rm -f "$scratch/healthcheck.body"
    answer="$(curl -s -o "$scratch/healthcheck.body" -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/healthcheck" || true)"
    body="$(head -c 200 "$scratch/healthcheck.body" 2>/dev/null | tr -d '\n' || true)"
    echo "$(date +%T) $answer $body" >>"$scratch/healthcheck.log"
    if [ "${answer%% *}" = 200 ]; then
      case "$answer ${body//[[:space:]]/}" in
        '200 application/json'*' {"status":"ok"}') return 0 ;;
      esac
      cat "$scratch/healthcheck.log" >&2
      fail "GET /healthcheck answered 200 with something other than the healthcheck module's {\"status\":\"ok\"} while the backend started (a readiness probe would have sent it traffic): $answer $body"
    fi
    sleep 1
  done
  tail -40 "$scratch/backend.log" >&2
  tail -5 "$scratch/healthcheck.log" >&2
  fail "the backend did not answer GET /healthcheck with 200 {\"status\":\"ok\"} (last: ${answer:-no answer})"
}
start_backend
step_done "backend start until /healthcheck 200"
echo "guide walk: GET /healthcheck: $(cat "$scratch/healthcheck.body")" >&2

# The tables the guide names (docs/deployment.md, "Where the assistant's data is") in the
# plugin's own database.
tables="$(psql "$server/$database" -Atc "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")"
for table in documents embeddings conversations conversation message_feedback ingestion_runs ai_assistant_knex_migrations; do
  case ",$tables," in
    *",$table,"*) ;;
    *) fail "table $table missing in $database after migrations (found: $tables)" ;;
  esac
done

# The backend serves the app it was built with at the guide's route.
page="$(curl -sf "http://127.0.0.1:$port/ai-assistant")" || fail "GET /ai-assistant failed"
case "$page" in
  *'<script defer src="/static/main.'*'<div id="root">'*) ;;
  *) fail "GET /ai-assistant did not return the built app's index.html" ;;
esac
health="$(curl -sf "http://127.0.0.1:$port/api/ai-assistant/health")" || fail "GET /api/ai-assistant/health failed"

# The catalog ingestor embeds the example catalog through the Azure OpenAI test server.
count() { psql "$server/$database" -Atc "SELECT count(*) FROM $1"; }
for _ in $(seq 1 180); do
  [ "$(count embeddings)" -gt 0 ] && break
  kill -0 "$backend_pid" 2>/dev/null || break
  sleep 1
done
[ "$(count embeddings)" -gt 0 ] || { tail -30 "$scratch/backend.log" >&2; fail "nothing was ingested from the catalog"; }
step_done "first ingestion of the catalog"
stop_backend

# Step 5: backup and restore, the guide's commands for the default pluginDivisionMode (one
# database per plugin; here with this check's prefix instead of `backstage_plugin_`).
# What the restore must bring back: the knowledge (documents and chunks, with their ids and
# content), the ingestion history and the applied migrations.
knowledge() {
  psql "$server/$database" -Atc "SELECT
    (SELECT count(*) FROM documents) || ' documents, ' ||
    (SELECT count(*) FROM embeddings) || ' chunks, md5 ' ||
    (SELECT md5(string_agg(source || ':' || document_id || ':' || content_hash, ',' ORDER BY source, document_id)) FROM documents) || '/' ||
    (SELECT md5(string_agg(id || ':' || content, ',' ORDER BY id)) FROM embeddings)"
}
snapshot() {
  echo "$(knowledge), $(count ingestion_runs) ingestion runs, $(count ai_assistant_knex_migrations) migrations"
}
before="$(snapshot)"
backup="$scratch/backup_$(date +%Y%m%d).sql.gz"
pg_dump -U "$POSTGRES_USER" -d "$database" | gzip >"$backup"
# The database is lost; the restore goes into a new, empty one of the same name.
psql "$server/postgres" -qc "DROP DATABASE \"$database\" WITH (FORCE)"
createdb -U "$POSTGRES_USER" "$database"
gunzip -c "$backup" | psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$database" >/dev/null
after="$(snapshot)"
[ "$before" = "$after" ] || fail "the restored database differs: before $before; after $after"
step_done "backup (pg_dump | gzip, $(du -k "$backup" | cut -f1) KB) and restore (createdb, gunzip | psql)"

# Scheduled ingestion may add runs from here on, but finds the knowledge unchanged.
before_start="$(knowledge)"
start_backend
[ "$(knowledge)" = "$before_start" ] || fail "the backend changed the restored knowledge on start: $(knowledge) instead of $before_start"
step_done "backend start on the restored database until /healthcheck 200"
stop_backend

# The model servers say which endpoints the backend called (the embeddings among them).
kill -TERM "$stubs_pid"
wait "$stubs_pid" 2>/dev/null || true
stubs_pid=""
cat "$scratch/stubs.log" >&2
echo "guide walk: passed: all packed packages installed, app built with the assistant page, backend on PostgreSQL with /healthcheck 200 and /api/ai-assistant/health $health, restored $before" >&2
printf '  %s\n' "${timings[@]}" >&2
