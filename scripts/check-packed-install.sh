#!/usr/bin/env bash
# The packed packages as an adopter gets them, called by scripts/check-packages.sh with the
# tarballs it packed:
#
# - scripts/check-guide-walk.sh: every tarball installed into a scratch Backstage app and
#   backend with the deployment guide's commands and code, the app built with the assistant's
#   page, the backend started on PostgreSQL (migrations, GET /healthcheck 200, ingestion), and
#   backup and restore with the guide's pg_dump/psql commands;
# - scripts/check-guide-docker.sh: the repository's Dockerfile built and started where Docker
#   works, or its stages run without Docker (saying so) elsewhere.
#
#   bash scripts/check-packed-install.sh <tarball-dir>
#
# Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (a PostgreSQL server with pgvector
# whose user may create databases) and the psql, pg_dump and createdb clients.
set -euo pipefail
scripts="$(cd "$(dirname "$0")" && pwd)"
bash "$scripts/check-guide-walk.sh" "${1:?usage: check-packed-install.sh <tarball-dir>}"
bash "$scripts/check-guide-docker.sh"
