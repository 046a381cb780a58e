#!/usr/bin/env bash
# Publish step of .github/workflows/release.yml, after the packages are built. `yarn npm publish`
# (not `npm publish`) runs each package's Backstage prepack, so the published package.json
# points at dist/ and `workspace:^` ranges become real versions; versions already on the
# registry are skipped. `changeset tag` then tags what was released. The token comes from
# YARN_NPM_AUTH_TOKEN.
set -euo pipefail
cd "$(dirname "$0")/.."
yarn_cli=(node .yarn/releases/yarn-4.18.1.cjs)
"${yarn_cli[@]}" workspaces foreach --all --no-private --topological \
  npm publish --access public --tolerate-republish
"${yarn_cli[@]}" changeset tag
