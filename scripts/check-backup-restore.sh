#!/usr/bin/env bash
# Backup and restore as docs/deployment.md describes it: ingests a corpus into a fresh
# PostgreSQL database through the real pipeline, dumps the plugin's database with pg_dump,
# restores it with psql into a new database and checks that the same questions retrieve the
# same sources there (packages/backend/src/deployment/backupRestore.check.ts).
# Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING and the pg_dump/psql clients.
set -euo pipefail
cd "$(dirname "$0")/../packages/backend"
: "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:?set it to a PostgreSQL server with pgvector}"
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"
CI=true node ../../.yarn/releases/yarn-4.18.1.cjs backstage-cli package test \
  --testMatch '**/src/deployment/backupRestore.check.ts' --watchAll=false "$@"
