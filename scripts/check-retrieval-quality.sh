#!/usr/bin/env bash
# The retrieval quality gate (docs/retrieval-quality.md): ingests the open golden set
# (../shared/eval/cert-manager-docs beside the repository) through the real pipeline on
# embedded PGlite with the `local` embeddings and default settings, and fails when hybrid
# recall@5 or MRR@10 falls more than 2 points below the committed baseline (or a kind's
# recall@5 more than one question's worth, 5 points).
set -euo pipefail
cd "$(dirname "$0")/.."

set_dir=../shared/eval/cert-manager-docs
if [ ! -d "$set_dir/corpus" ]; then
  echo "error: $set_dir is missing: the golden set lives beside the repository" >&2
  exit 1
fi
node .yarn/releases/yarn-4.18.1.cjs eval \
  --corpus "$set_dir/corpus" --questions "$set_dir/questions.jsonl" \
  --baseline packages/eval/baselines/cert-manager-docs.json --tolerance 0.02 --kind-tolerance 0.05
