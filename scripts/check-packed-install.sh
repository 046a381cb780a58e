#!/usr/bin/env bash
# Installs the packed backend plugin (plus -node, -common and the local embeddings module) into
# a scratch Backstage backend outside the workspace, the way an adopter's backend gets it from
# npm, starts it on a fresh PostgreSQL database and checks that the plugin ran its migrations
# and answers GET /api/ai-assistant/health.
#
#   bash scripts/check-packed-install.sh <tarball-dir>
#
# <tarball-dir> is what scripts/pack-packages.js wrote. The scratch backend installs with Yarn,
# as the guide's `yarn add` lines do (the project's pinned Yarn release, its own lockfile, Yarn's
# default registry and global cache). Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
# (a PostgreSQL server with pgvector whose user may create databases).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarballs="$(cd "${1:?usage: check-packed-install.sh <tarball-dir>}" && pwd)"
server="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:?set it to a PostgreSQL server with pgvector}"

scratch="$(mktemp -d /tmp/ai-assistant-packed-install.XXXXXX)"
# A database name of our own, so the plugin's migrations run from nothing.
prefix="packed_install_$$_"
database="${prefix}ai-assistant"
backend_pid=""
cleanup() {
  if [ -n "$backend_pid" ]; then kill "$backend_pid" 2>/dev/null || true; wait "$backend_pid" 2>/dev/null || true; fi
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$database\"" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

scope=@ai-assistant/backstage-plugin-ai-assistant
backend_defaults="$(node -p "require('$root/packages/backend/package.json').dependencies['@backstage/backend-defaults']")"
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

# The plugin's own dependencies on -node and -common are semver ranges of unpublished
# versions: `resolutions` points them at the tarballs, as the registry would serve them.
cat >"$scratch/package.json" <<EOF
{
  "name": "scratch-backend",
  "private": true,
  "dependencies": {
    "@backstage/backend-defaults": "$backend_defaults",
    "$scope-backend": "file:$tarballs/ai-assistant-backend.tgz",
    "$scope-node": "file:$tarballs/ai-assistant-node.tgz",
    "$scope-common": "file:$tarballs/ai-assistant-common.tgz",
    "$scope-backend-module-embeddings-provider-local": "file:$tarballs/ai-assistant-backend-module-embeddings-provider-local.tgz"
  },
  "resolutions": {
    "$scope-node": "file:$tarballs/ai-assistant-node.tgz",
    "$scope-common": "file:$tarballs/ai-assistant-common.tgz"
  }
}
EOF

# Step 3 of the deployment guide, with the project's npm scope.
cat >"$scratch/index.js" <<EOF
const { createBackend } = require('@backstage/backend-defaults');
const backend = createBackend();
backend.add(import('$scope-backend'));
backend.add(import('$scope-backend-module-embeddings-provider-local'));
backend.start();
EOF

cat >"$scratch/app-config.yaml" <<EOF
backend:
  baseUrl: http://127.0.0.1:$port
  listen:
    host: 127.0.0.1
    port: $port
  database:
    client: pg
    connection: $server
    prefix: $prefix
aiAssistant:
  embeddings:
    local: {}
EOF

printf 'nodeLinker: node-modules\nenableTelemetry: false\n' >"$scratch/.yarnrc.yml"
touch "$scratch/yarn.lock"

started=$(date +%s)
# The scratch backend starts without a lock file, as an adopter's first `yarn add` does; Yarn
# makes installs immutable whenever CI is set, which would refuse to write one.
(cd "$scratch" && node "$root/.yarn/releases/yarn-4.18.1.cjs" install --no-immutable >"$scratch/install.log" 2>&1) || {
  tail -30 "$scratch/install.log" >&2
  echo "packed install: yarn install failed" >&2
  exit 1
}
echo "packed install: yarn install took $(( $(date +%s) - started ))s" >&2

(cd "$scratch" && NODE_ENV=production exec node index.js --config app-config.yaml >"$scratch/backend.log" 2>&1) &
backend_pid=$!

health=""
for _ in $(seq 1 120); do
  if ! kill -0 "$backend_pid" 2>/dev/null; then break; fi
  if health="$(curl -sf "http://127.0.0.1:$port/api/ai-assistant/health")"; then break; fi
  health=""
  sleep 1
done
if [ -z "$health" ]; then
  tail -40 "$scratch/backend.log" >&2
  echo "packed install: the scratch backend did not answer /api/ai-assistant/health" >&2
  exit 1
fi

tables="$(psql "$server/$database" -Atc "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")"
for table in documents embeddings conversations ingestion_runs; do
  case ",$tables," in
    *",$table,"*) ;;
    *) echo "packed install: table $table missing after migrations (found: $tables)" >&2; exit 1 ;;
  esac
done
echo "packed install: backend started from the tarballs, migrations created $tables; health: $health" >&2
