#!/usr/bin/env bash
# "Version packages" step of .github/workflows/release.yml: applies the pending changesets
# (new versions, CHANGELOG.md entries, internal dependency ranges) and updates yarn.lock to match.
set -euo pipefail
cd "$(dirname "$0")/.."
yarn_cli=(node .yarn/releases/yarn-4.18.1.cjs)
"${yarn_cli[@]}" changeset version
"${yarn_cli[@]}" install --mode=update-lockfile
