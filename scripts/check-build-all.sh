#!/usr/bin/env bash
# Step 4 of docs/deployment.md as a new user runs it: `yarn build:all` in a fresh clone of this
# checkout's HEAD (no dist-types/, no dist/ yet), after `yarn install --immutable`. Passes when
# the build succeeds and every published package has its dist/index.cjs.js (or index.esm.js)
# and dist/index.d.ts. Prints how long the install and the build took.
# Run from anywhere; uses the caller's environment (e.g. npm_config_nodedir) for the install.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
yarn_release="$(ls "$repo"/.yarn/releases/yarn-*.cjs | head -n 1)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/clone"
cd "$work/clone"
yarn() { node "$work/clone/.yarn/releases/$(basename "$yarn_release")" "$@"; }

if [ -e dist-types ]; then
  echo "build:all check: a fresh clone must not have dist-types/" >&2
  exit 1
fi

started=$(date +%s)
# One retry: the install is the only step here that reaches the registry, and a dropped
# connection there says nothing about the build.
if ! yarn install --immutable >"$work/install.log" 2>&1 &&
  ! yarn install --immutable >>"$work/install.log" 2>&1; then
  echo "build:all check: yarn install failed; its last lines:" >&2
  tail -n 40 "$work/install.log" >&2
  exit 1
fi
installed=$(date +%s)
if ! yarn build:all >"$work/build.log" 2>&1; then
  echo "build:all check: yarn build:all failed in a fresh clone; its last lines:" >&2
  tail -n 60 "$work/build.log" >&2
  exit 1
fi
built=$(date +%s)

missing=0
for manifest in plugins/*/package.json; do
  dir=$(dirname "$manifest")
  if node -e 'process.exit(require(process.argv[1]).private ? 0 : 1)' "$PWD/$manifest"; then
    continue
  fi
  if [ ! -f "$dir/dist/index.d.ts" ] ||
    { [ ! -f "$dir/dist/index.cjs.js" ] && [ ! -f "$dir/dist/index.esm.js" ]; }; then
    echo "build:all check: $dir has no built entry point and type declarations in dist/" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

echo "build:all check: passed in a fresh clone (install $((installed - started))s, build:all $((built - installed))s)"
