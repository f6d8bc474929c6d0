#!/usr/bin/env bash
# Fails when generated files (supergraph, API schema, codegen output) are stale:
# regenerates them and asks git whether anything changed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent compose
bash scripts/codegen.sh
if ! git diff --quiet -- schema operations '**/generated/**' || [ -n "$(git status --porcelain -- schema operations '**/generated/**')" ]; then
  echo "Generated files are stale. Run 'npm run compose && npm run codegen' and commit the result:" >&2
  git status --short -- schema '**/generated/**' >&2
  git diff --stat -- schema '**/generated/**' >&2
  exit 1
fi
echo "supergraph and generated types are up to date"
