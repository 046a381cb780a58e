#!/usr/bin/env bash
# The release check CI runs after the tests: builds every publishable package, packs each one
# and checks the tarballs (scripts/pack-packages.js), then walks the deployment guide with all
# of them in a scratch Backstage app and backend on PostgreSQL and runs the Dockerfile's stages
# (scripts/check-packed-install.sh).
# Needs the type declarations of `yarn tsc` (dist-types/) and
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d /tmp/ai-assistant-packages.XXXXXX)"
trap 'rm -rf "$out"' EXIT

node .yarn/releases/yarn-4.18.1.cjs backstage-cli repo build
node scripts/pack-packages.js "$out"
bash scripts/check-packed-install.sh "$out"
