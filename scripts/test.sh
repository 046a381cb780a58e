#!/usr/bin/env bash
# The project's test command (see README): installs dependencies, makes sure a PostgreSQL +
# pgvector server is there for the database suites, runs every test, and ends with one
# summary line "Tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

yarn_cli=(node .yarn/releases/yarn-4.18.1.cjs)
# Native addons (better-sqlite3) build against the headers beside this Node when they are
# there, so node-gyp needs no download (as scripts/start.js does for `npm start`).
node_prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir=$node_prefix
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

# A Redis server for the suites that run several backends on one shared Backstage cache (the
# chat rate limit across replicas). Backstage's own TestCaches read the same variable.
redis_var=BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING
if [ -z "${!redis_var:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export "$redis_var=$(bash .ci/setup-redis.sh)"
  elif [ -n "${CI:-}" ]; then
    echo "error: $redis_var is not set and no local Redis can be set up; CI must run the shared-cache suites" >&2
    exit 1
  else
    echo "warning: $redis_var is not set, and .ci/setup-redis.sh needs root and apt-get;" >&2
    echo "         the shared-cache (several backends) suites are skipped. Point $redis_var at a Redis server to run them." >&2
  fi
fi
[ -n "${!redis_var:-}" ] && echo "Shared-cache suites run against Redis at ${!redis_var}" >&2

# PGlite imports Node built-ins dynamically, which jest supports only with VM modules.
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"

echo "Type-checking" >&2
"${yarn_cli[@]}" tsc

report=$(mktemp -d)/jest.json
status=0
"${yarn_cli[@]}" backstage-cli repo test --watchAll=false --verbose --json --outputFile="$report" "$@" || status=$?

# Checks beyond Jest count as one test each. Each one's output goes to stderr as it runs and
# to a log file; a failed check's last lines are printed again at the very end, beside the
# summary, so the end of the CI log says which check failed and why.
checks_passed=0
checks_failed=0
failed_logs=()
checks_dir=$(dirname "$report")/checks
mkdir -p "$checks_dir"
run_check() {
  local name=$1
  shift
  local log="$checks_dir/$name.log" check_started
  check_started=$(date +%s)
  if "$@" 2>&1 | tee "$log" >&2; then
    checks_passed=$((checks_passed + 1))
    echo "$name: passed in $(($(date +%s) - check_started))s" >&2
  else
    checks_failed=$((checks_failed + 1))
    status=1
    echo "$name: FAILED after $(($(date +%s) - check_started))s" >&2
    failed_logs+=("$name:$log")
  fi
}

# Release and operations checks (docs/deployment.md): backup/restore with pg_dump, the packed
# packages installed into a scratch backend, and `yarn build:all` from a fresh clone. They run
# on a full CI run (or whenever AI_ASSISTANT_RELEASE_CHECKS=1) with PostgreSQL.
if { [ -n "${AI_ASSISTANT_RELEASE_CHECKS:-}" ] || { [ -n "${CI:-}" ] && [ $# -eq 0 ]; }; } &&
  [ -n "${!pg_var:-}" ]; then
  for check in check-backup-restore check-packages check-build-all; do
    run_check "$check" bash "scripts/$check.sh"
  done
fi

# Code health on full runs (scripts/check-code-health.sh): every package's lint rules, prettier
# and the committed API reports of the published packages. The API reports read the type
# declarations that the type check above wrote.
if [ $# -eq 0 ]; then
  for check in lint prettier api-reports; do
    run_check "check-code-health $check" bash scripts/check-code-health.sh "$check"
  done
fi

# The retrieval quality gate (docs/retrieval-quality.md) on the open golden set beside the
# repository, on full runs. Outside CI a missing set skips it.
if [ $# -eq 0 ]; then
  if [ -d ../shared/eval/cert-manager-docs/corpus ] || [ -n "${CI:-}" ]; then
    run_check check-retrieval-quality bash scripts/check-retrieval-quality.sh
  else
    echo "warning: ../shared/eval/cert-manager-docs is missing; retrieval quality gate skipped" >&2
  fi
fi

# Browser end-to-end tests (packages/e2e-tests): the built dev app, served by the dev backend,
# in Debian's headless Chromium against a loopback model server. Full runs only. Chromium is
# installed here when running as root with apt-get (as in CI); elsewhere a missing Chromium
# fails the run in CI and skips these tests with a warning otherwise.
e2e_report=$(dirname "$report")/e2e.json
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ $# -eq 0 ]; then
  if [ ! -x "$chromium" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    bash .ci/setup-chromium.sh || echo "warning: could not install Chromium" >&2
  fi
  if [ -x "$chromium" ]; then
    echo "Building the dev app for the browser tests" >&2
    if "${yarn_cli[@]}" workspace app build >&2; then
      "${yarn_cli[@]}" workspace e2e-tests test:e2e --json --outputFile="$e2e_report" || status=$?
    else
      echo "error: the dev app (packages/app) does not build; browser tests not run" >&2
      status=1
    fi
  elif [ -n "${CI:-}" ]; then
    echo "error: $chromium is missing and cannot be installed here; CI must run the browser tests" >&2
    status=1
  else
    echo "warning: $chromium is missing (install Debian's chromium package); browser tests skipped" >&2
  fi
fi

for failed in "${failed_logs[@]}"; do
  echo "--- ${failed%%:*} FAILED; the end of its output:"
  tail -n 40 "${failed#*:}"
done

if [ -f "$report" ]; then
  CHECKS_PASSED=$checks_passed CHECKS_FAILED=$checks_failed node -e '
    const r = require(process.argv[1]);
    // The browser tests report separately (see above); add their counts when they ran.
    const e = require("fs").existsSync(process.argv[2])
      ? require(process.argv[2])
      : { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numFailedTestSuites: 0 };
    // Name every failed test again here: the browser tests print after the unit tests, so the
    // failure summary of Jest is far above the end of a CI log.
    for (const suite of [...r.testResults, ...(e.testResults ?? [])]) {
      for (const t of suite.assertionResults ?? []) {
        if (t.status === "failed") console.log(`FAILED: ${suite.name} > ${t.fullName}`);
      }
      if (suite.status === "failed" && !(suite.assertionResults ?? []).length) {
        console.log(`FAILED: ${suite.name}: ${String(suite.message).split("\n")[0]}`);
      }
    }
    const skipped = r.numPendingTests + r.numTodoTests + e.numPendingTests + e.numTodoTests;
    const passed = r.numPassedTests + e.numPassedTests + Number(process.env.CHECKS_PASSED);
    const failed = r.numFailedTests + e.numFailedTests + Number(process.env.CHECKS_FAILED);
    console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    const failedSuites = r.numFailedTestSuites + e.numFailedTestSuites;
    if (failedSuites > 0) console.log(`${failedSuites} test suites failed`);
  ' "$report" "$e2e_report"
fi
exit "$status"
