#!/usr/bin/env bash
# The project's test command (see README): installs dependencies, makes sure a PostgreSQL +
# pgvector server is there for the database suites, runs every test, and ends with one
# summary line "Tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

yarn_cli=(node .yarn/releases/yarn-4.18.1.cjs)
# Native addons (better-sqlite3) build against Node's own headers when they are installed,
# so node-gyp needs no download.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

if [ -n "${CI:-}" ]; then
  "${yarn_cli[@]}" install --immutable
else
  "${yarn_cli[@]}" install
fi

pg_var=BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
if [ -z "${!pg_var:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export "$pg_var=$(bash .ci/setup-postgres.sh)"
  elif [ -n "${CI:-}" ]; then
    echo "error: $pg_var is not set and no local PostgreSQL + pgvector can be set up; CI must run the Postgres suites" >&2
    exit 1
  else
    echo "warning: $pg_var is not set, and .ci/setup-postgres.sh needs root and apt-get;" >&2
    echo "         database suites run on embedded PGlite only. Point $pg_var at a PostgreSQL with pgvector to run them natively." >&2
  fi
fi
[ -n "${!pg_var:-}" ] && echo "Postgres + pgvector suites run against ${!pg_var%%@*}@..." >&2

# PGlite imports Node built-ins dynamically, which jest supports only with VM modules.
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"

echo "Type-checking" >&2
"${yarn_cli[@]}" tsc

report=$(mktemp -d)/jest.json
status=0
"${yarn_cli[@]}" backstage-cli repo test --watchAll=false --verbose --json --outputFile="$report" "$@" || status=$?

if [ -f "$report" ]; then
  node -e '
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
    if (r.numFailedTestSuites > 0) console.log(`${r.numFailedTestSuites} test suites failed`);
  ' "$report"
fi
exit "$status"
