#!/usr/bin/env bash
# Code health checks: `bash scripts/check-code-health.sh [lint|prettier|api-reports]...`
# (all three when none is named). npm test runs each on full runs as one test.
#
# - lint: `yarn lint:all`, every package's ESLint rules (`backstage-cli repo lint`), bench/
#   included (its `cli` role and lint script).
# - prettier: `yarn prettier:check`, the whole repository except .prettierignore.
# - api-reports: the API of every published package (plugins/*) against its committed
#   report*.api.md. It reads the type declarations `yarn tsc` writes to dist-types/ (npm test
#   runs tsc first; run here alone, tsc runs when they are missing). After changing an export,
#   run `yarn build:api-reports` and commit the reports it updates.
set -euo pipefail
cd "$(dirname "$0")/.."

yarn_cli=(node .yarn/releases/yarn-4.18.1.cjs)
checks=("$@")
[ ${#checks[@]} -eq 0 ] && checks=(lint prettier api-reports)

status=0
for check in "${checks[@]}"; do
  started=$(date +%s)
  case $check in
  lint) "${yarn_cli[@]}" lint:all || status=$? ;;
  prettier) "${yarn_cli[@]}" prettier:check || status=$? ;;
  api-reports)
    if [ ! -d dist-types/plugins ]; then
      "${yarn_cli[@]}" tsc || status=$?
    fi
    if ! "${yarn_cli[@]}" build:api-reports:only --ci; then
      echo "error: an API report is out of date; run 'yarn build:api-reports' and commit the report*.api.md files it changes" >&2
      status=1
    fi
    ;;
  *)
    echo "error: unknown check '$check' (lint, prettier or api-reports)" >&2
    exit 2
    ;;
  esac
  echo "code health: $check done after $(($(date +%s) - started))s" >&2
done
exit "$status"
